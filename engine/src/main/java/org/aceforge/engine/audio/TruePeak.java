package org.aceforge.engine.audio;

/**
 * True peak (the peak between samples, as a D/A converter reconstructs the wave): 4× oversampling with a
 * Hann-windowed sinc of 8 zero crossings a side, in the spirit of ITU-R BS.1770. Only samples loud enough to hide an
 * inter-sample peak above the current maximum are interpolated around (a band-limited wave rises at most ~3.3 dB
 * between samples at 4×), so a long quiet stretch costs one pass.
 */
public final class TruePeak {
    private static final int UP = 4, ZEROS = 8;
    private static final double[][] PHASES = phases();

    private TruePeak() {}

    private static double[][] phases() {
        double[][] h = new double[UP - 1][2 * ZEROS];
        for (int p = 1; p < UP; p++) {
            double frac = p / (double) UP;
            for (int j = 0; j < 2 * ZEROS; j++) {
                double x = j - (ZEROS - 1) - frac;                 // taps at samples i−7 … i+8 for a point between i and i+1
                double sinc = Math.abs(x) < 1e-12 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                double win = 0.5 * (1 + Math.cos(Math.PI * x / ZEROS));
                h[p - 1][j] = sinc * win;
            }
        }
        return h;
    }

    /** At 4× a band-limited wave's peak between samples stays within this factor (~3.5 dB) of the sample peak. */
    public static final double MAX_OVERSHOOT = 1.5;

    /** The sample peak (linear) of frames [from, to). */
    public static double samplePeak(float[] x, int channels, int from, int to) {
        int frames = x.length / channels;
        double peak = 0;
        for (int f = Math.max(0, from); f < Math.min(frames, to); f++)
            for (int c = 0; c < channels; c++) peak = Math.max(peak, Math.abs(x[f * channels + c]));
        return peak;
    }

    /** The true peak (linear) of frames [from, to) of interleaved audio with {@code channels} channels. */
    public static double of(float[] x, int channels, int from, int to) {
        int frames = x.length / channels;
        from = Math.max(0, from);
        to = Math.min(frames, to);
        double peak = samplePeak(x, channels, from, to);
        double threshold = peak / MAX_OVERSHOOT;   // ~−3.5 dB: quieter samples cannot border a higher inter-sample peak
        for (int f = from; f < to - 1; f++)
            for (int c = 0; c < channels; c++) {
                if (Math.max(Math.abs(x[f * channels + c]), Math.abs(x[(f + 1) * channels + c])) < threshold) continue;
                for (double[] h : PHASES) {
                    double v = 0;
                    for (int j = 0; j < h.length; j++) {
                        int k = f - (ZEROS - 1) + j;
                        if (k >= 0 && k < frames) v += h[j] * x[k * channels + c];
                    }
                    peak = Math.max(peak, Math.abs(v));
                }
            }
        return peak;
    }

    public static double toDb(double linear) {
        return linear <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(linear);
    }
}
