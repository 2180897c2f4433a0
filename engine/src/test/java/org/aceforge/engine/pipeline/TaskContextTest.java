package org.aceforge.engine.pipeline;

import org.aceforge.engine.tasks.TaskKind;

import org.aceforge.engine.pipeline.TaskContext.Span;
import org.aceforge.engine.tensors.Tensor3;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each task's context against the spec's tables (§2.3, §3): src channels, mask values, is_cover, instruction. */
class TaskContextTest {
    static final int T = 20, C = 4;
    final Tensor3 silence = fill(-1f), source = fill(0.5f);

    static Tensor3 fill(float v) {
        float[] d = new float[T * C];
        java.util.Arrays.fill(d, v);
        return new Tensor3(d, 1, T, C);
    }

    static float at(Tensor3 t, int frame) { return t.data()[frame * C]; }

    @Test
    void framesFromSecondsFollowTheReference() {
        assertEquals(0, TaskContext.frameOf(0.039, 48000, 1920));
        assertEquals(1, TaskContext.frameOf(0.04, 48000, 1920));
        assertEquals(250, TaskContext.frameOf(10, 48000, 1920));
        assertEquals(new Span(6, 14), TaskContext.span(0.24, 0.56, T, 48000, 1920));
        assertEquals(new Span(19, 20), TaskContext.span(5, 9, T, 48000, 1920), "clamped, at least one frame");
    }

    @Test
    void repaintSilencesTheRangeAndMarksIt() {
        var c = TaskContext.build(TaskKind.REPAINT, source, silence, List.of(new Span(6, 14)), null, List.of(), true);
        for (int f = 0; f < T; f++) {
            boolean in = f >= 6 && f < 14;
            assertEquals(in ? -1f : 0.5f, at(c.src(), f), "src frame " + f);
            assertEquals(in ? 1f : 0f, at(c.mask(), f), "mask frame " + f);
            assertEquals(in, c.regenerate()[f]);
        }
        assertFalse(c.cover());
        assertEquals("Repaint the mask area based on the given conditions:", c.instruction());
    }

    @Test
    void severalRanges() {
        var c = TaskContext.build(TaskKind.REPAINT, source, silence, List.of(new Span(1, 3), new Span(10, 12)), null, List.of(), true);
        int n = 0;
        for (boolean b : c.regenerate()) if (b) n++;
        assertEquals(4, n);
        assertEquals(0.5f, at(c.src(), 5));
    }

    @Test
    void autoMaskIsTwoEverywhere() {
        for (Task t : TaskKind.values()) {
            var c = TaskContext.build(t, source, silence, t == TaskKind.REPAINT ? List.of(new Span(2, 4)) : List.of(), "drums", List.of("bass"), false);
            for (float v : c.mask().data()) assertEquals(2f, v, t + " mask");
        }
    }

    @Test
    void text2musicCoverExtractLegoComplete() {
        var t2m = TaskContext.build(TaskKind.TEXT2MUSIC, null, silence, List.of(), null, List.of(), true);
        assertEquals(-1f, at(t2m.src(), 3));
        assertEquals(1f, at(t2m.mask(), 3));
        assertFalse(t2m.cover());
        assertNull(t2m.regenerate());
        assertEquals("Fill the audio semantic mask based on the given conditions:", t2m.instruction());

        var cover = TaskContext.build(TaskKind.COVER, source, silence, List.of(), null, List.of(), true);
        assertTrue(cover.cover());
        assertEquals(0.5f, at(cover.src(), 3));
        assertEquals("Generate audio semantic tokens based on the given conditions:", cover.instruction());

        var ex = TaskContext.build(TaskKind.EXTRACT, source, silence, List.of(), "backing_vocals", List.of(), true);
        assertEquals("Extract the BACKING_VOCALS track from the audio:", ex.instruction());
        assertEquals(0.5f, at(ex.src(), 3));
        assertEquals(1f, at(ex.mask(), 3));

        var lego = TaskContext.build(TaskKind.LEGO, source, silence, List.of(new Span(5, 9)), "guitar", List.of(), true);
        assertEquals("Generate the GUITAR track based on the audio context:", lego.instruction());
        assertEquals(0.5f, at(lego.src(), 6), "lego keeps the source inside its range");
        assertEquals(1f, at(lego.mask(), 6));
        assertEquals(0f, at(lego.mask(), 2));
        assertNull(lego.regenerate());

        var all = TaskContext.build(TaskKind.COMPLETE, source, silence, List.of(), null, List.of("drums", "bass"), true);
        assertEquals("Complete the input track with DRUMS | BASS:", all.instruction());
        assertFalse(all.cover());
        assertEquals(1f, at(all.mask(), 0));
    }
}
