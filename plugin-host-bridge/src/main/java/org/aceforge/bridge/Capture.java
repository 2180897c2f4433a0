package org.aceforge.bridge;

/** Captured input audio: interleaved stereo at {@code sampleRate}, starting at timeline sample {@code timelineStart}. */
public record Capture(float[] interleaved, long timelineStart, double sampleRate) {
    public int frames() { return interleaved.length / 2; }

    public double seconds() { return frames() / sampleRate; }
}
