package org.aceforge.engine.pipeline;

import java.util.List;

/**
 * Putting a regenerated region back into its source, on interleaved stereo samples: outside every region the source
 * samples are copied unchanged; inside, the generated audio is matched in loudness to the source around the region
 * and faded in and out over {@code crossfade} samples at the region's own edges.
 */
public final class Splice {
    private Splice() {}

    /** A sample range [start, end). */
    public record Range(int start, int end) {}

    /** Seconds of source on each side of a region used to match its loudness. */
    public static final double CONTEXT_SECONDS = 3.0;

    public static float[] splice(float[] source, float[] generated, List<Range> ranges, int crossfade, int sampleRate) {
        int frames = source.length / 2;
        float[] out = source.clone();
        for (Range r : ranges) {
            int s = Math.max(0, r.start()), e = Math.min(frames, r.end());
            if (e <= s) continue;
            double gain = loudnessGain(source, generated, s, e, ranges, (int) (CONTEXT_SECONDS * sampleRate));
            int cf = Math.min(crossfade, (e - s) / 2);
            for (int i = s; i < e; i++) {
                double w = 1;
                if (cf > 0 && i < s + cf) w = (i - s + 1) / (double) (cf + 1);
                if (cf > 0 && i >= e - cf) w = Math.min(w, (e - i) / (double) (cf + 1));
                for (int c = 0; c < 2; c++) {
                    int k = 2 * i + c;
                    float g = k < generated.length ? (float) (generated[k] * gain) : 0f;
                    out[k] = (float) (w * g + (1 - w) * source[k]);
                }
            }
        }
        return out;
    }

    /** RMS of the source around the region over RMS of the generated region (clamped to ±20 dB); 1 without context. */
    static double loudnessGain(float[] source, float[] generated, int s, int e, List<Range> ranges, int context) {
        int frames = source.length / 2;
        double ctx = 0;
        long n = 0;
        for (int i = Math.max(0, s - context); i < Math.min(frames, e + context); i++) {
            if (inside(i, ranges)) continue;
            ctx += source[2 * i] * source[2 * i] + source[2 * i + 1] * source[2 * i + 1];
            n += 2;
        }
        double gen = 0;
        long m = 0;
        for (int i = s; i < e && 2 * i + 1 < generated.length; i++) {
            gen += generated[2 * i] * generated[2 * i] + generated[2 * i + 1] * generated[2 * i + 1];
            m += 2;
        }
        if (n < 2 || m < 2 || gen <= 1e-12 || ctx <= 1e-12) return 1;
        double g = Math.sqrt((ctx / n) / (gen / m));
        return Math.max(0.1, Math.min(10, g));
    }

    static boolean inside(int i, List<Range> ranges) {
        for (Range r : ranges) if (i >= r.start() && i < r.end()) return true;
        return false;
    }

    /** Samples [start − handles, end + handles) of interleaved stereo audio, clamped to the audio. */
    public static float[] regionOnly(float[] audio, int start, int end, int handles) {
        int frames = audio.length / 2;
        int a = Math.max(0, start - handles), b = Math.min(frames, end + handles);
        return java.util.Arrays.copyOfRange(audio, 2 * a, 2 * Math.max(a, b));
    }
}
