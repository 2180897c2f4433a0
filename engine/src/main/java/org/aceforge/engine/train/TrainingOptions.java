package org.aceforge.engine.train;

/**
 * How an adapter is trained (defaults from spec §6 and the product's training tab).
 *
 * @param warmup   optimiser steps of linear learning-rate warm-up from 0
 * @param clip     the gradients' global L2 norm is clipped to this (0: no clipping)
 * @param gradAccum samples whose gradients are averaged into one optimiser step
 */
public record TrainingOptions(int rank, double alpha, double learningRate, double weightDecay, int warmup, double clip,
                              int gradAccum, double shift, long seed) {
    public static TrainingOptions defaults() {
        return new TrainingOptions(64, 128, 1e-4, 0.01, 100, 1.0, 1, 3.0, 42);
    }

    /** Checks every value; the message names the command line's option. */
    public TrainingOptions validate() {
        if (rank < 1 || rank > 1024) throw new IllegalArgumentException("--rank " + rank + " is out of range: use 1 to 1024");
        if (!(alpha > 0 && alpha <= 4096)) throw new IllegalArgumentException("--alpha " + alpha + " is out of range: use a positive number up to 4096");
        if (!(learningRate > 0 && learningRate <= 1)) throw new IllegalArgumentException("--lr " + learningRate + " is out of range: use a positive number up to 1");
        if (!(weightDecay >= 0 && weightDecay <= 1)) throw new IllegalArgumentException("--weight-decay " + weightDecay + " is out of range: use 0 to 1");
        if (warmup < 0) throw new IllegalArgumentException("--warmup " + warmup + " is negative");
        if (!(clip >= 0)) throw new IllegalArgumentException("--clip " + clip + " is negative");
        if (gradAccum < 1 || gradAccum > 1024) throw new IllegalArgumentException("--grad-accum " + gradAccum + " is out of range: use 1 to 1024");
        if (!(shift >= 1 && shift <= 5)) throw new IllegalArgumentException("--shift " + shift + " is out of range: use 1.0 to 5.0");
        return this;
    }
}
