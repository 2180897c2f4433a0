package org.aceforge.engine.jobs;

/** Where a render is: its stage, the fraction of that stage done (0–1) and a human-readable message. */
public record Progress(Stage stage, double fraction, String message) {

    /** The stages of a render, in order. */
    public enum Stage { QUEUED, LOADING, PLANNING, ENCODING, CONDITIONING, DIFFUSION, DECODING, WRITING, DONE }

    /** Overall fraction across stages, for a single progress bar. */
    public double overall() {
        return switch (stage) {
            case QUEUED -> 0;
            case LOADING -> 0.02 * fraction;
            case PLANNING -> 0.02 + 0.18 * fraction;   // the 5 Hz LM (skipped without it: the bar moves on)
            case ENCODING -> 0.20 + 0.02 * fraction;
            case CONDITIONING -> 0.22 + 0.01 * fraction;
            case DIFFUSION -> 0.23 + 0.59 * fraction;
            case DECODING -> 0.82 + 0.15 * fraction;
            case WRITING -> 0.97 + 0.03 * fraction;
            case DONE -> 1;
        };
    }
}
