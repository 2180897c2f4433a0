package org.aceforge.engine.audio;

/** Peak measurement and peak normalisation (the reference's −1 dBFS default). */
public final class Loudness {
    /** Every rendered result is peak-normalised to this level (dBFS). */
    public static final double OUTPUT_PEAK_DB = -1.0;

    private Loudness() {}

    public static float peak(float[] x) {
        float p = 0;
        for (float v : x) p = Math.max(p, Math.abs(v));
        return p;
    }

    /** Scales in place so the peak sits at {@code db} dBFS; silence (peak below 1e-6) is left alone. */
    public static void normalizePeak(float[] x, double db) {
        float p = peak(x);
        if (p < 1e-6f) return;
        float g = (float) (Math.pow(10, db / 20) / p);
        for (int i = 0; i < x.length; i++) x[i] *= g;
    }

    /** Divides by the peak when it exceeds full scale (the decoder output guard); returns whether it did. */
    public static boolean limitToFullScale(float[] x) {
        float p = peak(x);
        if (p <= 1f) return false;
        for (int i = 0; i < x.length; i++) x[i] /= p;
        return true;
    }
}
