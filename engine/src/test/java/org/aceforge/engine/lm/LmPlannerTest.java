package org.aceforge.engine.lm;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The LM's plans on the demo pack's random-weight LM: whatever the weights, the constraints make every field valid,
 * user values are kept verbatim, codes have exactly the requested length and range, and a seed reproduces a plan.
 */
class LmPlannerTest {
    static CausalLm lm;
    static LmPlanner planner;

    @BeforeAll
    static void open() {
        ModelPack pack = DemoPackFixture.pack();
        lm = new CausalLm(pack.lm(null), GraphCache.defaultCache());
        planner = new LmPlanner(lm, org.aceforge.engine.jobs.Music.LANGUAGES, 600);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    static final LmPlanner.Progress NONE = (phase, done, total) -> {};

    @Test
    void chainOfThoughtFillsOnlyWhatTheUserLeftEmptyWithValidValues() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            CotMetadata m = planner.think(new LmPlanner.Given("dusty lofi piano", "", null, null, null, null, null),
                    LmOptions.defaults(), seed, NONE);
            assertTrue(m.bpm() >= 30 && m.bpm() <= 300, "bpm " + m.bpm());
            assertTrue(m.duration() >= 10 && m.duration() <= 600, "duration " + m.duration());
            assertTrue(Keys.ALL.contains(m.keyscale()), "key " + m.keyscale());
            assertTrue(List.of(2, 3, 4, 6).contains(m.timesignature()), "time signature " + m.timesignature());
            assertTrue(org.aceforge.engine.jobs.Music.LANGUAGES.contains(m.language()) && !m.language().equals("unknown"), "language " + m.language());
            assertNotNull(m.caption());
            assertEquals(m, CotMetadata.parse(m.yaml()), "the CoT YAML reads back");
        }
        CotMetadata fixed = planner.think(new LmPlanner.Given("x", "", 97, "F# minor", 3, 42, "ja"), LmOptions.defaults(), 9, NONE);
        assertEquals(97, fixed.bpm());
        assertEquals("F# minor", fixed.keyscale());
        assertEquals(3, fixed.timesignature());
        assertEquals(42, fixed.duration());
        assertEquals("ja", fixed.language());
    }

    @Test
    void sameSeedSamePlanOtherSeedOtherPlan() throws Exception {
        LmPlanner.Given g = new LmPlanner.Given("synthwave", "", null, null, null, 30, null);
        CotMetadata a = planner.think(g, LmOptions.defaults(), 5, NONE), b = planner.think(g, LmOptions.defaults(), 5, NONE);
        assertEquals(a, b);
        boolean differs = false;
        for (long s = 6; s < 10 && !differs; s++) differs = !planner.think(g, LmOptions.defaults(), s, NONE).equals(a);
        assertTrue(differs, "other seeds give other plans");
    }

    @Test
    void codesHaveTheRequestedLengthAndAreFsqIndicesWithAndWithoutGuidance() throws Exception {
        CotMetadata cot = new CotMetadata(120, "warm piano", 10, "C major", "en", 4);
        List<String> phases = new ArrayList<>();
        long[][] guided = planner.codes("warm piano", "", cot, 2, 50, LmOptions.defaults(), new long[]{1, 2},
                (phase, done, total) -> phases.add(phase + " " + done + "/" + total));
        assertEquals(2, guided.length);
        for (long[] item : guided) {
            assertEquals(50, item.length);
            for (long c : item) assertTrue(c >= 0 && c < LmTokenizer.AUDIO_CODES, "code " + c);
        }
        assertEquals("audio codes 50/50", phases.get(phases.size() - 1));
        LmOptions noCfg = new LmOptions(0.85, 1.0, 0, 0.9, LmOptions.NO_USER_INPUT, true, true, true);
        long[][] plain = planner.codes("warm piano", "", cot, 1, 25, noCfg, new long[]{1}, NONE);
        assertEquals(25, plain[0].length);
        // Batched decoding: item 0 of a batch of 2 equals the same seed alone.
        long[][] alone = planner.codes("warm piano", "", cot, 1, 50, LmOptions.defaults(), new long[]{1}, NONE);
        assertArrayEquals(alone[0], guided[0]);
        assertFalse(java.util.Arrays.equals(guided[0], guided[1]), "different seeds, different codes");
    }

    @Test
    void createSampleWritesCaptionMetadataAndLyrics() throws Exception {
        LmPlanner.Sample s = planner.createSample("a rainy night in tokyo", false, "ja", LmOptions.defaults(), 3, NONE);
        assertEquals("ja", s.metadata().language());
        assertNotNull(s.metadata().caption());
        assertFalse(s.lyrics().isBlank());
        LmPlanner.Sample inst = planner.createSample("", true, null, LmOptions.defaults(), 3, NONE);
        assertEquals("[Instrumental]", inst.lyrics());
        assertTrue(inst.metadata().metasComplete());
    }

    @Test
    void formatKeepsTheUsersValuesAndUnderstandDescribesCodes() throws Exception {
        LmPlanner.Sample f = planner.format(new LmPlanner.Given("rock", "[Verse]\nhello", 128, "E minor", 4, 20, "en"),
                false, LmOptions.defaults(), 4, NONE);
        assertEquals(128, f.metadata().bpm());
        assertEquals("E minor", f.metadata().keyscale());
        assertEquals(20, f.metadata().duration());
        assertFalse(f.lyrics().isBlank());
        assertEquals("[Instrumental]", planner.format(new LmPlanner.Given("rock", "", null, null, null, null, null),
                true, LmOptions.defaults(), 4, NONE).lyrics());
        long[] codes = new java.util.Random(8).longs(60, 0, LmTokenizer.AUDIO_CODES).toArray();
        LmPlanner.Sample u = planner.understand(codes, LmOptions.defaults(), 2, NONE);
        assertTrue(u.metadata().metasComplete());
        assertTrue(Keys.ALL.contains(u.metadata().keyscale()));
        assertEquals(u, planner.understand(codes, LmOptions.defaults(), 2, NONE), "seeded");
    }
}
