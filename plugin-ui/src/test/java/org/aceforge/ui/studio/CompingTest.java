package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Takes in context: what an audition plays, what a comp writes, and that undo gives back exactly what was there. */
class CompingTest {
    static final int RATE = 48_000;

    static float[] constant(double seconds, float value) {
        float[] a = new float[2 * (int) Math.round(seconds * RATE)];
        Arrays.fill(a, value);
        return a;
    }

    @Test
    void auditionPlaysTheWorkingAudioWithTheSpanReplaced() {
        Comping c = new Comping(constant(10, 0.1f), RATE);
        Take t = new Take("v1", constant(10, 0.7f), RATE, 4, 6, null);
        Comping.Audition a = c.audition(t, 1.5);
        assertEquals(Math.round(2.5 * RATE), a.from());
        assertEquals(6 * RATE, a.to());
        int fade = (int) Math.round(Comping.FADE_SECONDS * RATE);
        for (int f = 0; f < 10 * RATE; f++) {
            float v = a.stereo()[2 * f];
            if (f < 4 * RATE || f >= 6 * RATE) assertEquals(0.1f, v, 0f, "frame " + f + " is outside the span");
            else if (f >= 4 * RATE + fade && f < 6 * RATE - fade) assertEquals(0.7f, v, 0f, "frame " + f + " is the take");
            else assertTrue(v > 0.1f && v < 0.7f, "frame " + f + " crossfades");
        }
        assertArrayEquals(constant(10, 0.1f), c.working(), "an audition changes nothing");
        Comping.Audition o = c.original(t, 1.5);
        assertSame(c.working(), o.stereo());
        assertEquals(a.from(), o.from());
        assertEquals(a.to(), o.to());
    }

    @Test
    void compWritesExactlyTheSpanAndUndoRestoresIt() {
        float[] source = new float[2 * 10 * RATE];
        for (int i = 0; i < source.length; i++) source[i] = (float) Math.sin(i * 0.001);
        Comping c = new Comping(source, RATE);
        Take a = new Take("v1", constant(10, 0.5f), RATE, 2, 3, null);
        Take b = new Take("v2", constant(10, -0.5f), RATE, 7, 9, null);
        Take a2 = new Take("v3", constant(10, 0.9f), RATE, 2, 3, null);
        Comping.Audition expected = c.audition(a, 0);
        Comping.Change ca = c.comp(a);
        assertArrayEquals(expected.stereo(), c.working(), "the comp is what the audition played");
        Comping.Change cb = c.comp(b);
        assertEquals(2, c.chosen().size(), "each region keeps its own take");
        Comping.Change ca2 = c.comp(a2);
        assertSame(a2, c.chosen().get(a.spanKey()));
        for (int f = 0; f < 10 * RATE; f++) {
            boolean inA = f >= 2 * RATE && f < 3 * RATE, inB = f >= 7 * RATE && f < 9 * RATE;
            if (!inA && !inB) assertEquals(source[2 * f], c.working()[2 * f], 0f, "frame " + f + " untouched");
        }
        ca2.undo();
        assertSame(a, c.chosen().get(a.spanKey()), "undo gives the region its previous take back");
        cb.undo();
        ca.undo();
        assertArrayEquals(source, c.working(), "undoing every comp restores the source exactly");
        assertTrue(c.chosen().isEmpty());
        ca.redo();
        assertArrayEquals(expected.stereo(), c.working());
    }

    @Test
    void aTakeLongerThanTheSongExtendsIt() {
        Comping c = new Comping(constant(4, 0.2f), RATE);
        Take t = new Take("extend", constant(6, 0.4f), RATE, 4, 6, null);
        c.comp(t);
        assertEquals(2 * 6 * RATE, c.working().length);
        assertEquals(0.2f, c.working()[2 * (3 * RATE)], 0f);
        assertEquals(0.4f, c.working()[2 * (5 * RATE)], 0f);
    }
}
