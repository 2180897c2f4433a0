package org.aceforge.engine.graph;

import org.aceforge.engine.tensors.TensorData;

/**
 * Low-rank updates of Linear weights, as a LoRA adapter holds them: for a weight, its A [r, in] and B [out, r]. The
 * graph builder applies them without knowing where they come from (model files are not the graph's business).
 */
public interface LowRankUpdates {
    /** A [r, in], B [out, r], and the update's own scale (LoRA: alpha / r, or alpha / √r with rsLoRA). */
    record Pair(TensorData a, TensorData b, double scale) {}

    /** The A/B pair of the named weight, or null when the update leaves it alone. */
    Pair pair(String weightName);

    /**
     * The names of the A/B tensors that are being trained: the graph takes them as inputs fed at every run instead of
     * constants (none for an adapter read from a file).
     */
    default java.util.Set<String> trainableNames() {
        return java.util.Set.of();
    }

    /**
     * Dropout on the low-rank branch's input while training (0: none, and always none at inference): each element of
     * x is kept with probability 1 − p and scaled by 1/(1 − p), the draw varying with the graph input
     * {@link OnnxGraph#LORA_DROPOUT_SEED}.
     */
    default double dropout() {
        return 0;
    }
}
