package org.aceforge.engine.tasks;

import org.aceforge.engine.timeline.Timeline.Span;

import java.util.List;

/**
 * Repaint's last step: putting a regenerated region back into its source, on interleaved stereo samples (regions as sample spans): outside every region the source
 * samples are copied unchanged; inside, the generated audio is matched in loudness to the source around the region
 * and faded in and out over {@code crossfade} samples at the region's own edges.
 */
public final class Splice {
    private Splice() {}

    /** Seconds of source on each side of a region used to match its loudness. */
    public static final double CONTEXT_SECONDS = 3.0;

    public static float[] splice(float[] source, float[] generated, List<Span> ranges, int crossfade, int sampleRate) {
        int frames = source.length / 2;
        float[] out = source.clone();
        for (Span r : ranges) {
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
    static double loudnessGain(float[] source, float[] generated, int s, int e, List<Span> ranges, int context) {
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

    static boolean inside(int i, List<Span> ranges) {
        for (Span r : ranges) if (i >= r.start() && i < r.end()) return true;
        return false;
    }
}
