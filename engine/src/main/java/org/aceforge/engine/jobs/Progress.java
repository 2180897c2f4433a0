package org.aceforge.engine.jobs;

/** Where a render is: its stage, the fraction of that stage done (0–1) and a human-readable message. */
public record Progress(Stage stage, double fraction, String message) {

    /** The stages of a render, in order. */
    public enum Stage { QUEUED, LOADING, ENCODING, DIFFUSION, DECODING, WRITING, DONE }

    /** Overall fraction across stages, for a single progress bar. */
    public double overall() {
        return switch (stage) {
            case QUEUED -> 0;
            case LOADING -> 0.02 * fraction;
            case ENCODING -> 0.02 + 0.03 * fraction;
            case DIFFUSION -> 0.05 + 0.75 * fraction;
            case DECODING -> 0.80 + 0.17 * fraction;
            case WRITING -> 0.97 + 0.03 * fraction;
            case DONE -> 1;
        };
    }
}
