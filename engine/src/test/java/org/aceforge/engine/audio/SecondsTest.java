package org.aceforge.engine.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Seconds ↔ frames: to the nearest frame, the same for the studio and the engine. */
class SecondsTest {
    @Test
    void roundsToTheNearestFrameNotDown() {
        // A region end dragged to "3 s" is often 2.9999999 s after pixel arithmetic: truncation lost the last frame.
        assertEquals(144000, Seconds.toFrames(2.9999999, 48000));
        assertEquals(144000, Seconds.toFrames(3.0, 48000));
        assertEquals(1, Seconds.toFrames(0.6 / 48000, 48000));
        assertEquals(0, Seconds.toFrames(0.4 / 48000, 48000));
        assertEquals(3.0, Seconds.ofFrames(144000, 48000));
    }
}
