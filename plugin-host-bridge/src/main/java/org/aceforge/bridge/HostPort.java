package org.aceforge.bridge;

/**
 * What a plugin format gives the format-neutral core: the capture ring and block timeline written by the real-time
 * path, the clip slots it plays, the host transport and the parameters. Called from Java threads only (never from
 * the host audio thread, which does not enter Java).
 */
public interface HostPort {
    long captureTotal();

    int captureCapacity();

    /** Interleaved stereo frames starting at absolute capture frame {@code from}; returns frames copied. */
    int captureRead(long from, float[] dst, int frames);

    long blockSequence();

    /** Block records from {@code fromSeq}: 4 longs each (ring start, timeline sample, frames, playing flag). */
    int captureBlocks(long fromSeq, long[] dst, int max);

    /** Copies interleaved stereo audio into clip slot {@code slot}; it plays from timeline sample {@code start}. */
    int clipSet(int slot, float[] interleaved, long frames, long start, float gain);

    int clipClear(int slot);

    /** Sample rate, tempo, time-signature numerator and denominator, playing, project samples, blocks, max block. */
    double[] transport();

    double parameter(int id);

    void editParameter(int id, double normalized);

    int CLIP_SLOTS = 16;
}
