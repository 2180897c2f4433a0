package org.aceforge.engine.tasks;

import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each task's conditioning class against the spec (§2.3 step 5, §3 "task types"): what goes into the DiT for that
 * task — src channels, chunk mask (explicit 0/1, and "auto" 2.0), instruction, repaint frames, the context let go,
 * the sampler change and the finish of the decoded audio.
 */
class ConditioningTest {
    static final int T = 20, C = 4, HOP = 1920, RATE = 48000;
    static final Tensor3 SILENCE = fill(-1f), SOURCE = fill(0.5f);

    /** Stands in for the DiT: the FSQ round trip adds 10; the detokenizer writes each variant's first code. */
    static final LatentOps OPS = new LatentOps() {
        public Tensor3 fsqRoundTrip(Tensor3 x) {
            Tensor3 y = x.copy();
            for (int i = 0; i < y.data().length; i++) y.data()[i] += 10;
            return y;
        }

        public Tensor3 detokenize(long[][] codes) {
            int n = codes[0].length * 5;
            float[] d = new float[codes.length * n * C];
            for (int b = 0; b < codes.length; b++) java.util.Arrays.fill(d, b * n * C, (b + 1) * n * C, codes[b][0]);
            return new Tensor3(d, codes.length, n, C);
        }
    };

    static Tensor3 fill(float v) {
        float[] d = new float[T * C];
        java.util.Arrays.fill(d, v);
        return new Tensor3(d, 1, T, C);
    }

    static ConditionInput edit(int batch, boolean explicit, Region... regions) {
        // A source of T whole latent frames (regions inside it: no padding).
        return new ConditionInput(SOURCE, SILENCE, Timeline.ofLatentFrames(T, RATE, HOP), batch, null, OPS, explicit);
    }

    static float at(Tensor3 t, int item, int frame) {
        return t.data()[(item * T + frame) * C];
    }

    @Test
    void timelineTurnsSecondsIntoFramesAsTheReference() {
        Timeline tl = Timeline.ofLatentFrames(T, RATE, HOP);
        assertEquals(0, tl.latentFrame(0.039));
        assertEquals(1, tl.latentFrame(0.04));
        assertEquals(250, tl.latentFrame(10));
        assertEquals(new Timeline.Span(6, 14), tl.latent(new Region(0.24, 0.56)));
        assertEquals(new Timeline.Span(19, 20), tl.latent(new Region(5, 9)), "clamped, at least one frame");
        assertEquals(new Timeline.Span(11520, 26880), tl.samples(new Region(0.24, 0.56)), "nearest sample");
        assertEquals(new Timeline.Span(0, T * HOP), tl.samples(new Region(0, Region.SOURCE_END)), "-1 is the source's end");
        assertEquals(250, Timeline.latentFramesOf(10, RATE, HOP));
        assertEquals(310, Timeline.latentFramesOf(12.37, RATE, HOP), "round(d, 1) first");
        Timeline out = Timeline.around(T * HOP, List.of(new Region(-1, 0.5), new Region(0.6, 0.8 + 0.5)), RATE, HOP, "s");
        assertEquals(1.0, out.leftPad());
        assertEquals(RATE + T * HOP + RATE / 2, out.samples(), "padded 1 s before and 0.5 s after");
        assertEquals(new Timeline.Span(0, RATE * 3 / 2), out.samples(new Region(-1, 0.5)), "on the padded timeline");
    }

    @Test
    void text2musicIsSilenceGeneratedEverywhere() throws Exception {
        Task t = new Text2Music();
        Conditioning c = t.condition(new ConditionInput(null, SILENCE, Timeline.ofLatentFrames(T, RATE, HOP), 2, null, OPS, true));
        assertEquals("Fill the audio semantic mask based on the given conditions:", c.instruction());
        assertEquals(2, c.src().batch());
        for (int b = 0; b < 2; b++)
            for (int f = 0; f < T; f++) {
                assertEquals(-1f, at(c.src(), b, f));
                assertEquals(1f, at(c.mask(), b, f));
            }
        assertNull(c.regenerate());
        assertNull(c.released(), "nothing to let go");
        assertNull(t.guide(c, SOURCE, 2));
        SamplerSettings s = SamplerSettings.turbo(3);
        assertSame(s, t.sampler(s));
    }

    @Test
    void text2musicFollowsEachVariantsCodesThenLetsGo() throws Exception {
        long[][] codes = {{7, 7, 7, 7}, {9, 9, 9, 9}};
        Conditioning c = new Text2Music().condition(new ConditionInput(null, SILENCE, Timeline.ofLatentFrames(T, RATE, HOP), 2, codes, OPS, false));
        assertEquals(7f, at(c.src(), 0, 3));
        assertEquals(9f, at(c.src(), 1, 3), "one hint per variant");
        assertEquals(c.instruction(), c.released(), "let go to plain text2music");
        Tensor3 after = c.releasedContext(SILENCE);
        assertEquals(-1f, after.data()[0], "silence once let go");
        assertEquals(2f, after.data()[C], "with the same mask");
    }

    @Test
    void repaintSilencesItsRegionsMarksThemAndInjectsTheSource() {
        Repaint t = new Repaint(List.of(new Region(0.24, 0.56), new Region(0.72, 0.76)), RepaintMode.BALANCED, 0.5);
        Conditioning c = t.condition(edit(2, true, t.regions().toArray(Region[]::new)));
        assertEquals("Repaint the mask area based on the given conditions:", c.instruction());
        for (int f = 0; f < T; f++) {
            boolean in = (f >= 6 && f < 14) || f == 18;
            assertEquals(in ? -1f : 0.5f, at(c.src(), 1, f), "src frame " + f);
            assertEquals(in ? 1f : 0f, at(c.mask(), 1, f), "mask frame " + f);
            assertEquals(in, c.regenerate()[f]);
        }
        assertNull(c.released());
        RepaintGuide g = t.guide(c, SOURCE, 2);
        assertEquals(0.5, g.injectionRatio());
        assertEquals(12, g.crossfadeFrames(), "Python's round(25 · (1 − 0.5)) = round(12.5) = 12, half to even");
        assertEquals(2, g.regenerate().length);
        assertEquals(new RepaintMode.Profile(1.0, 25, 0.05, true), RepaintMode.CONSERVATIVE.profile(0.5));
        assertEquals(new RepaintMode.Profile(0, 0, 0, false), RepaintMode.AGGRESSIVE.profile(0.5));
    }

    @Test
    void repaintSplicesIntoTheSourceUnlessAggressive() {
        List<Timeline.Span> region = List.of(new Timeline.Span(100, 200));
        float[] source = new float[600], generated = new float[600];
        java.util.Arrays.fill(source, 0.1f);
        java.util.Arrays.fill(generated, -0.9f);
        float[] out = new Repaint(List.of(new Region(1, 2)), RepaintMode.CONSERVATIVE, 0.5).finish(source, generated.clone(), region).audio();
        assertEquals(0.1f, out[2 * 50], "outside the region: the source, untouched");
        assertTrue(out[2 * 150] < -0.05f, "inside: the generated audio, matched to the source's loudness");
        float[] whole = new Repaint(List.of(new Region(1, 2)), RepaintMode.AGGRESSIVE, 0.5).finish(source, generated.clone(), region).audio();
        assertEquals(-0.9f, whole[2 * 50], "aggressive keeps the whole decode, not normalised");
    }

    @Test
    void coverRoundTripsTheSourceThroughFsqAndLetsGoToText2music() throws Exception {
        Cover t = new Cover(0.6, 0.2);
        Conditioning c = t.condition(edit(1, true));
        assertEquals("Generate audio semantic tokens based on the given conditions:", c.instruction());
        assertEquals(10.5f, at(c.src(), 0, 3), "the FSQ round trip of the source");
        assertEquals(1f, at(c.mask(), 0, 3));
        assertEquals("Fill the audio semantic mask based on the given conditions:", c.released());
        SamplerSettings s = t.sampler(SamplerSettings.turbo(3));
        assertEquals(0.6, s.coverStrength());
        assertEquals(0.2, s.coverNoiseStrength());
    }

    @Test
    void extractNamesItsTrackOnTheRawSource() throws Exception {
        Conditioning c = new Extract(Track.BACKING_VOCALS).condition(edit(1, true));
        assertEquals("Extract the BACKING_VOCALS track from the audio:", c.instruction());
        assertEquals(0.5f, at(c.src(), 0, 3));
        assertEquals(1f, at(c.mask(), 0, 3));
        assertNull(c.released());
    }

    @Test
    void legoKeepsTheSourceAndMarksItsRegion() throws Exception {
        Lego t = new Lego(Track.GUITAR, new Region(0.2, 0.36));
        Conditioning c = t.condition(edit(1, true, t.region()));
        assertEquals("Generate the GUITAR track based on the audio context:", c.instruction());
        assertEquals(0.5f, at(c.src(), 0, 6), "lego keeps the source inside its region");
        assertEquals(1f, at(c.mask(), 0, 6));
        assertEquals(0f, at(c.mask(), 0, 2));
        assertNull(c.regenerate());
        Conditioning whole = new Lego(Track.GUITAR, null).condition(edit(1, true));
        assertEquals(1f, at(whole.mask(), 0, 2), "no region: the whole source");
    }

    @Test
    void completeListsItsTracks() throws Exception {
        Conditioning c = new Complete(List.of(Track.DRUMS, Track.BASS)).condition(edit(1, true));
        assertEquals("Complete the input track with DRUMS | BASS:", c.instruction());
        assertEquals(0.5f, at(c.src(), 0, 0));
        assertEquals(1f, at(c.mask(), 0, 0));
    }

    @Test
    void autoMaskIsTwoEverywhereForEveryTask() throws Exception {
        List<Task> all = List.of(new Text2Music(), new Repaint(List.of(new Region(0.1, 0.2)), RepaintMode.BALANCED, 0.5),
                new Cover(1, 0), new Extract(Track.DRUMS), new Lego(Track.DRUMS, new Region(0.1, 0.2)), new Complete(List.of(Track.BASS)));
        assertEquals(TaskKind.values().length, all.size(), "one class per task");
        for (Task t : all) {
            Conditioning c = t.condition(t instanceof Text2Music
                    ? new ConditionInput(null, SILENCE, Timeline.ofLatentFrames(T, RATE, HOP), 1, null, OPS, false)
                    : edit(1, false, t.regions().toArray(Region[]::new)));
            for (float v : c.mask().data()) assertEquals(2f, v, t.kind() + " mask");
        }
    }

    @Test
    void everyTaskButRepaintNormalisesItsPeak() {
        float[] loud = new float[200];
        for (int i = 0; i < loud.length; i++) loud[i] = (float) Math.sin(i) * 0.3f;
        float[] out = new Extract(Track.DRUMS).finish(null, loud.clone(), List.of()).audio();
        assertEquals(Math.pow(10, Loudness.OUTPUT_PEAK_DB / 20), Loudness.peak(out), 1e-4);
        assertArrayEquals(out, new Text2Music().finish(null, loud.clone(), List.of()).audio());
    }
}
