package org.aceforge.ui.studio;

import java.nio.file.Path;

/**
 * One rendered variant as a take: its audio on the source's timeline (frame 0 = the source's start; interleaved
 * stereo at {@code rate}) and the span it was made for — a region edit's region, or the whole length for a text2music
 * result. {@code file} is the rendered file (for Save and drag-out), or null. A {@code solo} take (an extracted stem
 * and its residual) is heard on its own rather than in context; it can still be comped (the residual over a region
 * removes the stem there).
 */
public record Take(String label, float[] stereo, int rate, double start, double end, Path file, boolean solo) {
    public Take(String label, float[] stereo, int rate, double start, double end, Path file) {
        this(label, stereo, rate, start, end, file, false);
    }

    /**
     * An extracted stem's residual: what the source holds besides the stem (source − stem, frame by frame), over the
     * same span, heard solo.
     */
    public static Take residual(Take stem, float[] source, String label) {
        float[] r = new float[Math.max(source.length, stem.stereo().length)];
        for (int i = 0; i < r.length; i++)
            r[i] = (i < source.length ? source[i] : 0) - (i < stem.stereo().length ? stem.stereo()[i] : 0);
        return new Take(label, r, stem.rate(), stem.start(), stem.end(), null, true);
    }

    public Take {
        if (stereo.length % 2 != 0) throw new IllegalArgumentException("take audio must be interleaved stereo");
        if (!(end > start) || start < 0) throw new IllegalArgumentException("take span must be a positive range from 0");
    }

    /** Frames of audio. */
    public int frames() {
        return stereo.length / 2;
    }

    /** The span's first frame. */
    public int startFrame() {
        return (int) Math.round(start * rate);
    }

    /** The frame after the span (within the take's audio). */
    public int endFrame() {
        return Math.min(frames(), (int) Math.round(end * rate));
    }

    /** The span as a key: two takes of the same region compete for the same place in the comp. */
    public String spanKey() {
        return String.format(java.util.Locale.ROOT, "%.3f-%.3f", start, end);
    }
}
