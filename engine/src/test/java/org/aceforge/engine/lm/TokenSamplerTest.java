package org.aceforge.engine.lm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The sampler's cut and draw against brute force: sorted top-k / nucleus, greedy cases, the empirical distribution. */
class TokenSamplerTest {

    /** Plain reference: sort descending, keep k, or the smallest prefix whose softmax mass reaches p. */
    static float bruteCut(float[] v, int k, double p) {
        float[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        if (k > 0) return s[n - Math.min(k, n)];
        double max = s[n - 1], z = 0;
        for (float x : s) z += Math.exp(x - max);
        double c = 0;
        for (int i = n - 1; i >= 0; i--) {
            c += Math.exp(s[i] - max) / z;
            if (c >= p) return s[i];
        }
        return s[0];
    }

    @Test
    void histogramCutEqualsSortedCut() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(trial < 100 ? 50 : 70_000);
            float[] v = new float[n];
            double spread = 0.01 + r.nextDouble() * 20;
            for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * spread);
            if (trial % 7 == 0) for (int i = 0; i < n; i += 3) v[i] = v[0];   // ties
            float max = Float.NEGATIVE_INFINITY;
            for (float x : v) max = Math.max(max, x);
            int k = 1 + r.nextInt(Math.max(1, n));
            double p = r.nextDouble();
            assertEquals(bruteCut(v, k, 1), TokenSampler.cut(v, n, Float.NEGATIVE_INFINITY, max, k, 2), "top-k n=" + n + " k=" + k);
            assertEquals(bruteCut(v, 0, p), TokenSampler.cut(v, n, Float.NEGATIVE_INFINITY, max, 0, p), "top-p n=" + n + " p=" + p);
        }
    }

    @Test
    void greedyCasesAndMaskedTokens() {
        float[] logits = {1f, 5f, 3f, 4.9f};
        boolean[] allowed = {true, false, true, true};
        assertEquals(3, new TokenSampler(new LmOptions(0, 2, 0, 0.9, "", true, true, true), 1).sample(logits.clone(), allowed));
        assertEquals(3, new TokenSampler(new LmOptions(1, 2, 1, 1, "", true, true, true), 1).sample(logits.clone(), allowed));
        assertEquals(3, new TokenSampler(new LmOptions(1, 2, 0, 1e-6, "", true, true, true), 1).sample(logits.clone(), allowed));
        for (int i = 0; i < 200; i++)
            assertNotEquals(1, new TokenSampler(LmOptions.defaults(), i).sample(logits.clone(), allowed), "a masked token is never drawn");
    }

    @Test
    void drawsFollowTheTemperedSoftmax() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(4)};   // probabilities 1/7, 2/7, 4/7 at T = 1
        TokenSampler s = new TokenSampler(new LmOptions(1, 1, 0, 1, "", true, true, true), 42);
        int[] hits = new int[3];
        int n = 70_000;
        for (int i = 0; i < n; i++) hits[s.sample(logits.clone(), null)]++;
        assertEquals(1 / 7.0, hits[0] / (double) n, 0.01);
        assertEquals(2 / 7.0, hits[1] / (double) n, 0.01);
        assertEquals(4 / 7.0, hits[2] / (double) n, 0.01);
    }

    @Test
    void guidanceIsComputedOnlyOverAllowedTokens() {
        float[] cond = {1, 2, 3}, uncond = {0, 4, 1};
        TokenSampler.guide(cond, uncond, 2.0, new boolean[]{true, false, true});
        assertArrayEquals(new float[]{2, Float.NEGATIVE_INFINITY, 5}, cond);
    }
}
