package org.aceforge.ui.studio;

import be.tarsos.dsp.util.fft.FFT;
import be.tarsos.dsp.util.fft.HannWindow;

import java.awt.image.BufferedImage;

/**
 * A spectrogram picture of stereo audio (the mono mix): time left to right, frequency bottom to top on a log scale
 * from {@link #LOW_HZ} to half the sample rate, level from −90 to 0 dBFS as a dark-to-bright colour ramp — what
 * SpectraLayers users look at to judge an edit. Spectra from TarsosDSP's FFT (Hann window, 2048 points). No Swing.
 */
public final class Spectrogram {
    static final int SIZE = 2048;
    static final double LOW_HZ = 30, FLOOR_DB = -90;

    private Spectrogram() {}

    /** The picture of [from, to) seconds at w × h pixels (one FFT per pixel column). */
    public static BufferedImage image(float[] stereo, int rate, double from, double to, int w, int h) {
        BufferedImage img = new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
        if (w <= 0 || h <= 0 || stereo.length < 2) return img;
        FFT fft = new FFT(SIZE, new HannWindow());
        float[] buf = new float[SIZE], mag = new float[SIZE / 2];
        int frames = stereo.length / 2;
        // Row → FFT bin, once.
        int[] bin = new int[h];
        for (int y = 0; y < h; y++) bin[y] = Math.min(SIZE / 2 - 1, (int) Math.round(hzOfRow(y, rate, h) * SIZE / rate));
        for (int x = 0; x < w; x++) {
            double t = from + (to - from) * (x + 0.5) / w;
            int centre = (int) Math.round(t * rate), start = centre - SIZE / 2;
            for (int i = 0; i < SIZE; i++) {
                int f = start + i;
                buf[i] = f < 0 || f >= frames ? 0 : 0.5f * (stereo[2 * f] + stereo[2 * f + 1]);
            }
            fft.forwardTransform(buf);
            fft.modulus(buf, mag);
            for (int y = 0; y < h; y++) {
                // Hann window's coherent gain is 1/2: a full-scale sine reads about 0 dBFS.
                double db = 20 * Math.log10(Math.max(1e-9, mag[bin[y]] * 4.0 / SIZE));
                img.setRGB(x, y, colour(Math.max(0, Math.min(1, (db - FLOOR_DB) / -FLOOR_DB))));
            }
        }
        return img;
    }

    /** The frequency shown at row y of an h-row picture (row 0 at the top = the highest). */
    static double hzOfRow(int y, int rate, int h) {
        double top = rate / 2.0, f = 1 - (y + 0.5) / h;
        return LOW_HZ * Math.pow(top / LOW_HZ, f);
    }

    /** The row showing {@code hz} in an h-row picture. */
    static int rowOf(double hz, int rate, int h) {
        double top = rate / 2.0, f = Math.log(hz / LOW_HZ) / Math.log(top / LOW_HZ);
        return (int) Math.round((1 - f) * h - 0.5);
    }

    /** Black → purple → orange → pale yellow for level 0…1. */
    static int colour(double v) {
        double r = Math.min(1, 1.6 * v), g = Math.max(0, Math.min(1, 2.2 * v - 0.9)), b = v < 0.5 ? 0.8 * Math.sin(Math.PI * v) : Math.max(0, 1.8 * v - 1.2);
        return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
    }

    /** The brightness (0…1) of a colour from {@link #colour} (for tests and meters: the red channel rises first). */
    static double level(int rgb) {
        return ((rgb >> 16) & 0xFF) / 255.0 * 0.5 + ((rgb >> 8) & 0xFF) / 255.0 * 0.5;
    }
}
