package org.aceforge.engine.audio;

/**
 * The one conversion between seconds on a timeline and sample frames: to the nearest frame. Every front end and the
 * engine use it, so a region drawn in the studio covers the same samples the engine edits.
 */
public final class Seconds {
    private Seconds() {}

    /** The frame nearest to {@code seconds} at {@code rate} frames per second. */
    public static int toFrames(double seconds, int rate) {
        return (int) Math.round(seconds * rate);
    }

    public static double ofFrames(long frames, int rate) {
        return frames / (double) rate;
    }
}
