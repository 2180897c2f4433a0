package org.aceforge.engine.runtime;

import java.util.List;

/**
 * What a machine's memory allows, as ACE-Step 1.5's GPU tiers define it (spec §5.1, {@code GPU_TIER_CONFIGS}): the
 * longest render and the largest batch with and without the 5 Hz LM, the LM sizes that fit (the recommended one
 * first; none on the smallest cards), and whether models are offloaded between stages and the DiT runs on INT8.
 */
public record MemoryTier(String name, double gigabytes, double maxSecondsWithLm, double maxSecondsWithoutLm,
                         int maxBatchWithLm, int maxBatchWithoutLm, List<String> lmSizes, boolean offload, boolean int8) {

    /** The tier table, smallest first: the upper memory bound of each tier in GB (the last is unbounded). */
    static final List<MemoryTier> TABLE = List.of(
            new MemoryTier("tier1", 4, 240, 360, 1, 1, List.of(), true, true),
            new MemoryTier("tier2", 6, 480, 600, 1, 1, List.of(), true, true),
            new MemoryTier("tier3", 8, 480, 600, 2, 2, List.of("0.6B"), true, true),
            new MemoryTier("tier4", 12, 480, 600, 2, 4, List.of("0.6B"), true, true),
            new MemoryTier("tier5", 16, 480, 600, 4, 4, List.of("1.7B", "0.6B"), true, true),
            new MemoryTier("tier6a", 20, 480, 600, 4, 8, List.of("1.7B", "0.6B"), true, true),
            new MemoryTier("tier6b", 24, 480, 480, 8, 8, List.of("1.7B", "0.6B", "4B"), false, false),
            new MemoryTier("unlimited", Double.POSITIVE_INFINITY, 600, 600, 8, 8, List.of("4B", "1.7B", "0.6B"), false, false));

    /** The tier of a GPU with {@code bytes} of memory. */
    public static MemoryTier forGpu(long bytes) {
        double gb = bytes / 1e9;
        for (MemoryTier t : TABLE) if (gb <= t.gigabytes()) return t;
        return TABLE.get(TABLE.size() - 1);
    }

    /**
     * The tier of a CPU render with {@code freeBytes} of free RAM. On CPU the weights are float32 where the GPU runs
     * bfloat16, so RAM counts half: 16 GB free is treated as an 8 GB card.
     */
    public static MemoryTier forCpu(long freeBytes) {
        return forGpu(freeBytes / 2);
    }

    public double maxSeconds(boolean lm) {
        return lm ? maxSecondsWithLm : maxSecondsWithoutLm;
    }

    public int maxBatch(boolean lm) {
        return lm ? maxBatchWithLm : maxBatchWithoutLm;
    }
}
