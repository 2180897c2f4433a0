package org.aceforge.engine.bench;

import org.aceforge.engine.model.AceStepConfig;

/** Floating-point operations of one DiT forward (batch 1), counted from the shapes; attention counted dense. */
public final class DitFlops {
    private DitFlops() {}

    public static double perStep(AceStepConfig c, int frames, int condLength) {
        double n = Math.ceil(frames / (double) c.patchSize());
        double H = c.hiddenSize(), q = (double) c.numAttentionHeads() * c.headDim(), kv = (double) c.numKeyValueHeads() * c.headDim();
        double L = condLength, I = c.intermediateSize();
        double selfAttn = 2 * n * H * (q + 2 * kv) + 2 * n * q * H + 4 * n * n * q;
        double crossAttn = 2 * n * H * q + 2 * L * H * 2 * kv + 2 * n * q * H + 4 * n * L * q;
        double mlp = 2 * n * H * I * 3;
        double layers = c.numHiddenLayers() * (selfAttn + crossAttn + mlp);
        double io = 2 * n * c.patchSize() * c.inChannels() * H + 2 * n * H * c.patchSize() * c.latentChannels() + 2 * L * H * H;
        return layers + io;
    }
}
