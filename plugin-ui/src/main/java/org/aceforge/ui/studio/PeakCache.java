package org.aceforge.ui.studio;

/**
 * Min/max peaks of stereo audio at several resolutions (256, 2048, 16384 frames per peak), so drawing any zoom
 * level of an hour-long file touches at most a few thousand values.
 */
public final class PeakCache {
    static final int[] LEVELS = {256, 2048, 16384};
    private final float[][] mins = new float[LEVELS.length][], maxs = new float[LEVELS.length][];
    private final int frames;
    private final int sampleRate;

    public PeakCache(float[] interleaved, int sampleRate) {
        this.frames = interleaved.length / 2;
        this.sampleRate = sampleRate;
        for (int l = 0; l < LEVELS.length; l++) {
            int block = LEVELS[l], n = (frames + block - 1) / block;
            mins[l] = new float[n];
            maxs[l] = new float[n];
            for (int b = 0; b < n; b++) {
                float lo = 0, hi = 0;
                if (l == 0) {
                    for (int i = b * block; i < Math.min(frames, (b + 1) * block); i++) {
                        float v = 0.5f * (interleaved[2 * i] + interleaved[2 * i + 1]);
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                } else {
                    int ratio = block / LEVELS[l - 1];
                    for (int k = b * ratio; k < Math.min(mins[l - 1].length, (b + 1) * ratio); k++) {
                        lo = Math.min(lo, mins[l - 1][k]);
                        hi = Math.max(hi, maxs[l - 1][k]);
                    }
                }
                mins[l][b] = lo;
                maxs[l][b] = hi;
            }
        }
    }

    public int frames() { return frames; }

    public int sampleRate() { return sampleRate; }

    public double seconds() { return frames / (double) sampleRate; }

    /** Min and max over [fromFrame, toFrame), from the coarsest level that still resolves the span. */
    public float[] range(long fromFrame, long toFrame) {
        long span = Math.max(1, toFrame - fromFrame);
        int l = 0;
        while (l + 1 < LEVELS.length && LEVELS[l + 1] * 2L <= span) l++;
        int block = LEVELS[l];
        int a = (int) Math.max(0, fromFrame / block), b = (int) Math.min(mins[l].length, (toFrame + block - 1) / block);
        float lo = 0, hi = 0;
        for (int i = a; i < b; i++) {
            lo = Math.min(lo, mins[l][i]);
            hi = Math.max(hi, maxs[l][i]);
        }
        return new float[]{lo, hi};
    }
}
