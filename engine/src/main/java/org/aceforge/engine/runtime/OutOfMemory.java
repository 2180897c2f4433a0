package org.aceforge.engine.runtime;

/**
 * Whether a failure is the machine running out of memory — ONNX Runtime's allocation failures (its arena's "Failed to
 * allocate memory", a C++ bad_alloc, CUDA's out of memory) or Java's OutOfMemoryError — which a render answers with
 * smaller pieces instead of giving up.
 */
public final class OutOfMemory {
    private OutOfMemory() {}

    public static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) return true;
            String m = c.getMessage();
            if (m == null) continue;
            String s = m.toLowerCase(java.util.Locale.ROOT);
            if (s.contains("failed to allocate memory") || s.contains("bad_alloc") || s.contains("bad allocation")
                    || s.contains("out of memory") || s.contains("cudaerrormemoryallocation")) return true;
        }
        return false;
    }

    /**
     * Fault injection for tests and for trying the retry ladder: with the system property
     * {@code aceforge.faults.ditBatch=N}, a DiT evaluation of more than N items fails with ONNX Runtime's own
     * allocation message.
     */
    public static void injectForDitBatch(int batch) {
        int limit = Integer.getInteger("aceforge.faults.ditBatch", Integer.MAX_VALUE);
        if (batch > limit)
            throw new IllegalStateException("Non-zero status code returned while running MatMul node. Status Message: "
                    + "bfc_arena.cc: Failed to allocate memory for requested buffer (injected by aceforge.faults.ditBatch=" + limit + ")");
    }

    /**
     * With {@code aceforge.faults.vaeOnGpu=true}, the VAE's decoder counts as a GPU one: the injected tile failures
     * apply to it only, and the ladder may move decoding to a separate CPU session (the last rung, otherwise reached
     * only on a CUDA machine).
     */
    public static boolean vaeOnGpu() {
        return Boolean.getBoolean("aceforge.faults.vaeOnGpu");
    }

    /**
     * As {@link #injectForDitBatch}: with {@code aceforge.faults.vaeTileFrames=N}, a VAE decode tile longer than N
     * latent frames fails (the failure a small machine gives for a large tile); 0 fails every tile.
     */
    public static void injectForVaeTile(int frames) {
        int limit = Integer.getInteger("aceforge.faults.vaeTileFrames", Integer.MAX_VALUE);
        if (frames > limit)
            throw new IllegalStateException("Non-zero status code returned while running ConvTranspose node. Status Message: "
                    + "bfc_arena.cc: Failed to allocate memory for requested buffer of size " + (long) frames * 1920 * 64 * 4
                    + " (injected by aceforge.faults.vaeTileFrames=" + limit + ")");
    }
}
