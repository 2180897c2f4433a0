package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Repaint inside the sampler as the official code does it (spec §2 "repaint injection"): turbo stops before injecting
 * on its last step while base/SFT inject on theirs; the boundary ramp is squeezed into the frames there are at a
 * file edge and between close spans; Python's half-to-even rounding for the injection steps.
 */
class RepaintSamplingTest {
    static final int T = 10, C = 2;

    static Tensor3 filled(float v) {
        float[] d = new float[T * C];
        java.util.Arrays.fill(d, v);
        return new Tensor3(d, 1, T, C);
    }

    /** Samples with a model whose velocity is 0, injecting for all steps, no blend; returns the final latents. */
    static Tensor3 sample(SamplerSettings s) throws Exception {
        boolean[] regen = new boolean[T];
        regen[4] = regen[5] = true;
        Tensor3 noise = filled(1f), clean = filled(0.25f);
        RepaintGuide guide = new RepaintGuide(new boolean[][]{regen}, clean, 1.0, 0);
        Condition cond = new Condition(filled(0), filled(0));
        return FlowSampler.sample((x, t, c) -> Tensor3.zeros(x.batch(), x.frames(), x.channels()), s, cond, null, null,
                noise, clean, guide, SdeNoise.forSeeds(1), StepListener.NONE);
    }

    @Test
    void turboStopsBeforeItsLastInjectionAndBaseDoesNot() throws Exception {
        Tensor3 turbo = sample(SamplerSettings.turbo(3));
        double[] sched = SamplerSettings.turbo(3).schedule();
        double tLast = sched[sched.length - 1];
        // Outside the region: the injection of the step before the last (t_next = t_last), not the bare source.
        assertEquals((float) (tLast * 1 + (1 - tLast) * 0.25), turbo.data()[0], 1e-7);
        assertNotEquals(0.25f, turbo.data()[0]);
        Tensor3 base = sample(SamplerSettings.base(4, 1.0, 1.0));
        assertEquals(0.25f, base.data()[0], 0f, "base injects the clean source on its last step (t_next = 0)");
    }

    @Test
    void theBoundaryRampIsSqueezedAtTheEdgeAndBetweenCloseSpans() {
        boolean[] in = new boolean[40];
        for (int i = 5; i < 9; i++) in[i] = true;
        double[] w = RepaintGuide.blendWeights(in, 25);
        double[] expected = {1 / 6.0, 2 / 6.0, 3 / 6.0, 4 / 6.0, 5 / 6.0};
        for (int i = 0; i < 5; i++) assertEquals(expected[i], w[i], 1e-12, "frame " + i + ": squeezed into the 5 frames before the region");
        assertEquals(25 / 26.0, w[9], 1e-12, "after the region there is room for the whole ramp");
        assertEquals(1 / 26.0, w[33], 1e-12);
        assertEquals(0, w[34]);

        boolean[] two = new boolean[30];
        for (int i = 5; i < 8; i++) two[i] = true;
        for (int i = 13; i < 16; i++) two[i] = true;   // a gap of 5 frames between the spans
        double[] v = RepaintGuide.blendWeights(two, 4);
        assertArrayEquals(new double[]{3 / 4.0, 2 / 4.0, 1 / 4.0, 1 / 3.0, 2 / 3.0}, new double[]{v[8], v[9], v[10], v[11], v[12]}, 1e-12,
                "the gap is shared: 3 frames ramp out of the first span, 2 into the second");
        assertEquals(4 / 5.0, v[16], 1e-12, "full ramp after the last span");
    }
}
