package org.aceforge.engine.jobs;

/** Where a render is: its stage, the fraction of that stage done (0–1) and a human-readable message. */
public record Progress(Stage stage, double fraction, String message) {

    /** The stages of a render, in order. */
    public enum Stage { QUEUED, LOADING, PLANNING, ENCODING, CONDITIONING, DIFFUSION, DECODING, WRITING, DONE }

    /**
     * The stage and fraction whose {@link #overall} is {@code overall} (clamped to 0–1): progress known only as one
     * figure, such as a server's, shown the way local progress is.
     */
    public static Progress atOverall(double overall, String message) {
        double o = Double.isFinite(overall) ? Math.max(0, Math.min(1, overall)) : 0;
        if (o >= 1) return new Progress(Stage.DONE, 1, message);
        Stage[] stages = Stage.values();
        for (int i = stages.length - 2; i >= 1; i--) {
            double from = new Progress(stages[i], 0, null).overall(), to = new Progress(stages[i], 1, null).overall();
            if (o >= from && to > from) return new Progress(stages[i], Math.min(1, (o - from) / (to - from)), message);
        }
        return new Progress(o > 0 ? Stage.LOADING : Stage.QUEUED, o > 0 ? o / 0.02 : 0, message);
    }

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
