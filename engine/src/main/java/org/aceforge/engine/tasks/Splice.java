package org.aceforge.engine.tasks;

import org.aceforge.engine.audio.TruePeak;
import org.aceforge.engine.timeline.Timeline.Span;

import java.util.List;

/**
 * Repaint's last step: putting each regenerated region back into its source, on interleaved stereo samples (regions
 * as sample spans). Outside every region the source samples are copied unchanged. Inside, the generated audio is
 * matched in loudness (RMS) to the source around the region — attenuated as far as needed, boosted by at most
 * +20 dB (a clamp that is reported) — faded in and out over {@code crossfade} samples at the region's own edges, and
 * held below a true-peak ceiling: the louder of −1 dBTP and the source's own true peak around the region, by lowering
 * that region's gain further (reported too). The source is never touched.
 */
public final class Splice {
    private Splice() {}

    /** Seconds of source on each side of a region used to match its loudness. */
    public static final double CONTEXT_SECONDS = 3.0;
    /** The gain range of the loudness match: down without a practical limit, up by at most +20 dB. */
    static final double MIN_GAIN = 1e-4, MAX_GAIN = 10;
    /** The true-peak ceiling of a region unless its surroundings are louder (dBTP). */
    public static final double CEILING_DB = -1.0;

    /**
     * What was done to one region.
     *
     * @param gainDb       the loudness-match gain applied to the generated audio (after the guard)
     * @param clamped      the match wanted more than +20 dB and was held there
     * @param guardDb      how much the true-peak guard lowered the gain (0 when it did not act)
     * @param contextDb    RMS of the source around the region (dBFS; −inf without context)
     * @param regionDb     RMS of the spliced region (dBFS)
     * @param peakDb       sample peak of the spliced region (dBFS)
     * @param truePeakDb   true peak of the spliced region (dBTP), or NaN when it was not needed: a sample peak more
     *                     than 3.5 dB under the ceiling keeps the true peak under it too
     */
    public record Report(int start, int end, double gainDb, boolean clamped, double guardDb, double contextDb,
                         double regionDb, double peakDb, double truePeakDb) {}

    public record Result(float[] audio, List<Report> regions) {}

    public static Result splice(float[] source, float[] generated, List<Span> ranges, int crossfade, int sampleRate) {
        int frames = source.length / 2;
        float[] out = source.clone();
        List<Report> reports = new java.util.ArrayList<>();
        int context = (int) (CONTEXT_SECONDS * sampleRate);
        for (Span r : ranges) {
            int s = Math.max(0, r.start()), e = Math.min(frames, r.end());
            if (e <= s) continue;
            double ctx = contextRms(source, s, e, ranges, context), gen = rms(generated, s, e);
            double wanted = ctx > 0 && gen > 0 ? ctx / gen : 1;
            boolean clamped = wanted > MAX_GAIN;
            double gain = Math.max(MIN_GAIN, Math.min(MAX_GAIN, wanted)), matched = gain;
            int cf = Math.min(crossfade, (e - s) / 2);
            double ceiling = ceiling(source, s, e, context);
            mix(out, source, generated, s, e, cf, gain);
            // The true peak is only worked out where the sample peak could hide one above the ceiling.
            boolean mayExceed = TruePeak.samplePeak(out, 2, s, e) * TruePeak.MAX_OVERSHOOT > ceiling;
            double peak = mayExceed ? TruePeak.of(out, 2, s, e) : Double.NaN;
            for (int round = 0; round < 6 && peak > ceiling; round++) {
                gain *= ceiling / peak * 0.995;
                mix(out, source, generated, s, e, cf, gain);
                peak = org.aceforge.engine.audio.TruePeak.of(out, 2, s, e);
            }
            reports.add(new Report(s, e, db(gain), clamped, db(gain / matched), db(ctx), db(rms(out, s, e)),
                    db(TruePeak.samplePeak(out, 2, s, e)), mayExceed ? TruePeak.toDb(peak) : Double.NaN));
        }
        return new Result(out, reports);
    }

    /**
     * The louder of −1 dBTP and the source's own true peak in the {@code context} frames on each side (a loud master's
     * inter-sample overs included: the crossfade carries them into the region and no gain of ours can remove them).
     */
    static double ceiling(float[] source, int s, int e, int context) {
        double floor = Math.pow(10, CEILING_DB / 20), peak = 0;
        for (int[] side : new int[][]{{s - context, s}, {e, e + context}})
            if (TruePeak.samplePeak(source, 2, side[0], side[1]) * TruePeak.MAX_OVERSHOOT > floor)
                peak = Math.max(peak, TruePeak.of(source, 2, side[0], side[1]));
        return Math.max(floor, peak);
    }

    private static void mix(float[] out, float[] source, float[] generated, int s, int e, int cf, double gain) {
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

    static double db(double linear) {
        return linear <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(linear);
    }

    /** RMS of frames [s, e) of interleaved stereo (0 when empty). */
    static double rms(float[] x, int s, int e) {
        double sum = 0;
        long n = 0;
        for (int i = s; i < e && 2 * i + 1 < x.length; i++) {
            sum += x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1];
            n += 2;
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    /** RMS of the source within {@code context} frames of a region, outside every region (0 without any). */
    static double contextRms(float[] source, int s, int e, List<Span> ranges, int context) {
        int frames = source.length / 2;
        double sum = 0;
        long n = 0;
        for (int i = Math.max(0, s - context); i < Math.min(frames, e + context); i++) {
            if (inside(i, ranges)) continue;
            sum += source[2 * i] * source[2 * i] + source[2 * i + 1] * source[2 * i + 1];
            n += 2;
        }
        return n < 2 || sum <= 1e-12 * n ? 0 : Math.sqrt(sum / n);
    }

    static boolean inside(int i, List<Span> ranges) {
        for (Span r : ranges) if (i >= r.start() && i < r.end()) return true;
        return false;
    }
}
