package org.aceforge.engine.audio;

import be.tarsos.dsp.util.fft.FFT;
import be.tarsos.dsp.util.fft.HannWindow;

/**
 * Estimates of tempo, key and time signature from audio, used when the user leaves them empty for an edit.
 * Spectra come from TarsosDSP's FFT (Hann window). Tempo: autocorrelation of the spectral-flux onset envelope over
 * 60–200 BPM with a mild preference around 120. Key: a chromagram (55–2000 Hz) correlated with the
 * Krumhansl–Kessler major and minor profiles. Time signature: whether the onset envelope repeats more strongly
 * every 3 or every 4 beats.
 */
public final class MusicAnalysis {
    private static final int RATE = 11025, SIZE = 2048, HOP = 256;
    private static final String[] NOTES = {"C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
    private static final double[] MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

    private MusicAnalysis() {}

    /** Tempo in BPM (rounded), key name ("A minor"), beats per bar (3 or 4), each null when the audio says too little. */
    public record Estimate(Integer bpm, String key, String timeSignature) {}

    /** Interleaved stereo at {@code rate}. */
    public static Estimate estimate(float[] stereo, int rate) {
        float[] mono = new float[stereo.length / 2];
        for (int i = 0; i < mono.length; i++) mono[i] = 0.5f * (stereo[2 * i] + stereo[2 * i + 1]);
        float[] x = Resampling.resample(mono, rate, RATE);
        if (x.length < SIZE * 8) return new Estimate(null, null, null);
        FFT fft = new FFT(SIZE, new HannWindow());
        int frames = (x.length - SIZE) / HOP;
        float[] prev = new float[SIZE / 2], mag = new float[SIZE / 2], buf = new float[SIZE];
        double[] flux = new double[frames], linear = new double[frames];
        double[] chroma = new double[12];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(x, f * HOP, buf, 0, SIZE);
            fft.forwardTransform(buf);
            fft.modulus(buf, mag);
            double s = 0, lin = 0;
            for (int k = 1; k < SIZE / 2; k++) {
                double d = Math.log1p(100 * mag[k]) - Math.log1p(100 * prev[k]);
                if (d > 0) s += d;
                if (mag[k] > prev[k]) lin += mag[k] - prev[k];
                double hz = k * (double) RATE / SIZE;
                if (hz >= 55 && hz <= 2000) {
                    int pc = Math.floorMod((int) Math.round(12 * Math.log(hz / 261.6256) / Math.log(2)), 12);
                    chroma[pc] += mag[k] * mag[k];
                }
            }
            flux[f] = s;
            linear[f] = lin;
            float[] t = prev; prev = mag; mag = t;
        }
        Integer bpm = tempo(flux);
        return new Estimate(bpm, key(chroma), meter(linear, bpm));
    }

    static Integer tempo(double[] flux) {
        double[] env = detrend(flux);
        double fps = (double) RATE / HOP;
        double best = 0;
        int bestLag = -1;
        for (int lag = (int) (fps * 60 / 200); lag <= (int) (fps * 60 / 60); lag++) {
            double ac = 0;
            for (int i = lag; i < env.length; i++) ac += env[i] * env[i - lag];
            double bpm = 60 * fps / lag;
            double weight = Math.exp(-0.5 * Math.pow(Math.log(bpm / 120) / Math.log(2) / 0.9, 2));
            if (ac * weight > best) { best = ac * weight; bestLag = lag; }
        }
        if (bestLag < 0 || best <= 0) return null;
        // Parabolic refinement of the lag for sub-frame precision.
        double a = ac(env, bestLag - 1), b = ac(env, bestLag), c = ac(env, bestLag + 1);
        double shift = (a - c) / (2 * (a - 2 * b + c));
        double lag = bestLag + (Double.isFinite(shift) && Math.abs(shift) < 1 ? shift : 0);
        return (int) Math.round(60 * fps / lag);
    }

    /**
     * Beats per bar: the onset strength at each beat (phase chosen to line up with the onsets) grouped by position in
     * a bar of 3 and of 4; the grouping whose strongest position stands out more wins (accents fall on the downbeat).
     */
    static String meter(double[] envelope, Integer bpm) {
        if (bpm == null) return null;
        double beat = (double) RATE / HOP * 60 / bpm;
        int win = Math.max(1, (int) (0.15 * beat));
        double bestPhaseSum = -1;
        double[] strengths = null;
        for (int phase = 0; phase < (int) beat; phase++) {
            int n = (int) ((envelope.length - phase) / beat);
            if (n < 8) return null;
            double[] st = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                int c = (int) Math.round(phase + k * beat);
                double m = 0;
                for (int j = Math.max(0, c - win); j <= Math.min(envelope.length - 1, c + win); j++) m = Math.max(m, envelope[j]);
                st[k] = m;
                sum += m;
            }
            if (sum > bestPhaseSum) { bestPhaseSum = sum; strengths = st; }
        }
        return accent(strengths, 3) > 1.05 * accent(strengths, 4) ? "3" : "4";
    }

    /** How much the strongest position of a bar of {@code period} beats stands out from the bar's mean. */
    private static double accent(double[] strengths, int period) {
        double[] sum = new double[period];
        int[] n = new int[period];
        for (int k = 0; k < strengths.length; k++) { sum[k % period] += strengths[k]; n[k % period]++; }
        double max = 0, mean = 0;
        for (int j = 0; j < period; j++) {
            double m = sum[j] / Math.max(1, n[j]);
            max = Math.max(max, m);
            mean += m / period;
        }
        return mean <= 0 ? 0 : max / mean;
    }

    static String key(double[] chroma) {
        double total = 0;
        for (double c : chroma) total += c;
        if (total <= 1e-9) return null;
        double best = -2;
        String name = null;
        for (int root = 0; root < 12; root++)
            for (int mode = 0; mode < 2; mode++) {
                double[] p = mode == 0 ? MAJOR : MINOR;
                double r = correlation(chroma, p, root);
                if (r > best) { best = r; name = NOTES[root] + (mode == 0 ? " major" : " minor"); }
            }
        return name;
    }

    private static double correlation(double[] chroma, double[] profile, int root) {
        double mc = 0, mp = 0;
        for (int i = 0; i < 12; i++) { mc += chroma[i]; mp += profile[i]; }
        mc /= 12;
        mp /= 12;
        double num = 0, dc = 0, dp = 0;
        for (int i = 0; i < 12; i++) {
            double c = chroma[(i + root) % 12] - mc, p = profile[i] - mp;
            num += c * p;
            dc += c * c;
            dp += p * p;
        }
        return num / Math.sqrt(dc * dp + 1e-12);
    }

    private static double[] detrend(double[] x) {
        double[] y = new double[x.length];
        int w = 16;
        for (int i = 0; i < x.length; i++) {
            double m = 0;
            int n = 0;
            for (int j = Math.max(0, i - w); j < Math.min(x.length, i + w + 1); j++, n++) m += x[j];
            y[i] = Math.max(0, x[i] - m / n);
        }
        return y;
    }

    private static double ac(double[] env, int lag) {
        double s = 0;
        if (lag <= 0) return 0;
        for (int i = lag; i < env.length; i++) s += env[i] * env[i - lag];
        return s;
    }
}
