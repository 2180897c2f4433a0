package org.aceforge.ui.studio;

import java.util.function.DoubleConsumer;

/**
 * Where the studio sends audio to be heard: the sound card ({@link Player}) or, in tests, a recorder that keeps what
 * it was given. Methods may be called from the EDT; callbacks come on the playing thread.
 */
public interface AudioOut {
    /**
     * Plays frames [from, to) of interleaved stereo audio, once or looping until {@link #stop}; {@code position}
     * receives the playing time in seconds, {@code done} runs when it ends or is stopped.
     */
    void play(float[] stereo, int rate, int from, int to, boolean loop, DoubleConsumer position, Runnable done);

    /** Plays frames [from, to) once. */
    default void play(float[] stereo, int rate, int from, int to, DoubleConsumer position, Runnable done) {
        play(stereo, rate, from, to, false, position, done);
    }

    void stop();

    boolean playing();
}
