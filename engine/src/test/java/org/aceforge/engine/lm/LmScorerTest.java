package org.aceforge.engine.lm;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The LM quality score: its parts, their weights, and the helpers against their definitions. */
class LmScorerTest {
    @Test
    void partsAreInZeroOneAndTheTotalIsTheirRenormalisedWeightedMean() throws Exception {
        try (CausalLm lm = new CausalLm(DemoPackFixture.pack().lm(null), GraphCache.defaultCache())) {
            LmScorer s = new LmScorer(lm);
            long[] codes = new java.util.Random(4).longs(50, 0, LmTokenizer.AUDIO_CODES).toArray();
            CotMetadata meta = new CotMetadata(120, null, 10, "C major", "en", 4);
            LmScorer.Score full = s.score(codes, "warm piano", "[Verse]\nhello there", meta);
            for (Double v : new Double[]{full.total(), full.caption(), full.lyrics(), full.metadata()})
                assertTrue(v != null && v >= 0 && v <= 1, "part " + v);
            assertEquals((0.5 * full.caption() + 0.3 * full.lyrics() + 0.2 * full.metadata()) / 1.0, full.total(), 1e-9);
            LmScorer.Score inst = s.score(codes, "warm piano", "[Instrumental]", meta);
            assertNull(inst.lyrics(), "instrumental: no lyrics part");
            assertEquals((0.5 * inst.caption() + 0.2 * inst.metadata()) / 0.7, inst.total(), 1e-9);
            assertEquals(full.caption(), inst.caption(), 1e-9, "the caption part does not depend on the lyrics");
            assertEquals(full, s.score(codes, "warm piano", "[Verse]\nhello there", meta), "deterministic");
        }
    }

    /** The one-pass metadata recall against a plain count over the full forward of the same text. */
    @Test
    void metadataRecallIsTheTopTenShareOfTheValueTokens() throws Exception {
        try (CausalLm lm = new CausalLm(DemoPackFixture.pack().lm(null), GraphCache.defaultCache())) {
            LmScorer s = new LmScorer(lm);
            LmTokenizer t = lm.tokenizer();
            long[] codes = new java.util.Random(6).longs(50, 0, LmTokenizer.AUDIO_CODES).toArray();
            for (int bpm : new int[]{75, 128}) {
                long[] head = concat(s.prompt(codes), t.encode("<think>\n"), t.encode("bpm:"));
                long[] value = t.encode(" " + bpm + "\n");
                float[][] all = lm.logitsAll(concat(head, value));
                int hits = 0;
                for (int i = 0; i < value.length; i++) if (LmScorer.rank(all[head.length - 1 + i], (int) value[i]) < 10) hits++;
                LmScorer.Score got = s.score(codes, null, null, new CotMetadata(bpm, null, null, null, null, null));
                assertEquals(hits / (double) value.length, got.metadata(), 1e-12, "bpm " + bpm);
                assertEquals(got.metadata(), got.total(), 1e-12, "metadata alone is the total");
            }
        }
    }

    static long[] concat(long[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    @Test
    void helpersFollowTheirDefinitions() {
        assertEquals(0.5, LmScorer.sigmoid(0), 1e-12);
        assertEquals(1 / (1 + Math.exp(-2)), LmScorer.sigmoid(0.2), 1e-12);
        float[] logits = {1f, 3f, 2f, 3f};
        assertEquals(0, LmScorer.rank(logits, 1));
        assertEquals(2, LmScorer.rank(logits, 2));
        double z = Math.exp(1) + 2 * Math.exp(3) + Math.exp(2);
        assertEquals(2 - Math.log(z), LmScorer.logSoftmax(logits, 2), 1e-6);
    }
}
