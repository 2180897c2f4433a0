package org.aceforge.engine.train;

/**
 * Whether a training step keeps every layer's activations for the backward pass (one session for the whole DiT:
 * fastest) or only each layer's input, recomputing the rest layer by layer ({@link LayerwisePass}: one more forward
 * pass, memory of one layer). {@code AUTO} keeps them when the estimate fits in half the free memory.
 */
public enum ActivationPolicy {
    AUTO, KEEP, RECOMPUTE;

    /** The policy of this name (as the command line writes it: auto, keep, recompute), or null. */
    public static ActivationPolicy find(String name) {
        for (ActivationPolicy p : values()) if (p.name().equalsIgnoreCase(name)) return p;
        return null;
    }

    /**
     * Activation memory of the whole-DiT training graph, measured at full size (24 layers × 2048, fixed-size graph,
     * 10 and 30 s samples: ~25 MB per token, docs/benchmarks.md): about 128 floats per layer, hidden unit and token.
     */
    static long keptBytes(int layers, int hidden, int tokens) {
        return 128L * 4 * layers * hidden * tokens;
    }

    /** Whether a sample of {@code tokens} keeps its activations, with {@code freeBytes} of memory free. */
    public boolean keeps(int layers, int hidden, int tokens, long freeBytes) {
        return switch (this) {
            case KEEP -> true;
            case RECOMPUTE -> false;
            case AUTO -> keptBytes(layers, hidden, tokens) < freeBytes / 2;
        };
    }
}
