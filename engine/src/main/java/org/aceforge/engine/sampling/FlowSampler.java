package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/**
 * The flow-matching sampling loop of ACE-Step 1.5 (x_t = t·noise + (1−t)·x0, the DiT predicts v ≈ noise − x0).
 * Turbo: no CFG, last step jumps to x0 = x − t·v. Base/SFT: Euler over consecutive schedule pairs with CFG (APG or
 * ADG) inside the CFG interval. Both: cover-strength switch to the non-cover condition, cover noise start, repaint
 * injection and boundary blend, ODE or SDE.
 */
public final class FlowSampler {
    private FlowSampler() {}

    /**
     * @param nonCover     condition used after the cover steps (null = never switch)
     * @param nullEmbedding null_condition_emb for CFG (base/SFT with guidance > 1)
     * @param source       raw source latents for cover noise (null when not used)
     * @param sdeNoise     fresh noise for SDE re-noising, one generator per variant
     */
    public static Tensor3 sample(VelocityModel dit, SamplerSettings s, Condition cond, Condition nonCover,
                                 float[] nullEmbedding, Tensor3 noise, Tensor3 source, RepaintGuide repaint,
                                 SdeNoise sdeNoise, StepListener listener) throws Exception {
        double[] sched = s.schedule();
        // Turbo lists model evaluations only; base lists N+1 points ending at 0.
        double[] evals = s.turbo() ? sched : java.util.Arrays.copyOf(sched, sched.length - 1);
        Tensor3 x = noise.copy();
        if (s.coverNoiseStrength() > 0 && source != null) {
            double target = 1.0 - s.coverNoiseStrength();
            int start = 0;
            for (int i = 1; i < evals.length; i++) if (Math.abs(evals[i] - target) < Math.abs(evals[start] - target)) start = i;
            double t0 = evals[start];
            for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) (t0 * noise.data()[i] + (1 - t0) * source.data()[i]);
            sched = java.util.Arrays.copyOfRange(sched, start, sched.length);
            evals = java.util.Arrays.copyOfRange(evals, start, evals.length);
        }
        int steps = evals.length;
        int coverSteps = (int) (steps * s.coverStrength());
        boolean cfg = !s.turbo() && s.guidance() > 1.0;
        Condition current = cfg ? cond.withUnconditional(nullEmbedding) : cond;
        boolean switched = false;
        Guidance.Momentum momentum = new Guidance.Momentum();
        int injectUntil = repaint == null ? 0 : repaint.injectionSteps(steps);

        for (int i = 0; i < steps; i++) {
            if (i >= coverSteps && !switched && nonCover != null) {
                switched = true;
                current = cfg ? nonCover.withUnconditional(nullEmbedding) : nonCover;
            }
            double t = evals[i];
            Tensor3 v;
            if (cfg) {
                Tensor3[] vv = dit.velocity(Tensor3.concatBatch(x, x), t, current).splitBatch();
                if (t >= s.cfgStart() && t <= s.cfgEnd()) {
                    float[] g = s.adg() ? Guidance.adg(x, vv[0], vv[1], t, s.guidance())
                            : Guidance.apg(vv[0], vv[1], s.guidance(), momentum);
                    v = new Tensor3(g, x.batch(), x.frames(), x.channels());
                } else {
                    v = vv[0];
                }
            } else {
                v = dit.velocity(x, t, current);
            }
            boolean last = i == steps - 1;
            double tNext;
            if (s.turbo() && last) {
                tNext = 0;
                axpy(x, v, -t);
            } else {
                tNext = s.turbo() ? evals[i + 1] : sched[i + 1];
                if (s.sde()) {
                    // Base/SFT re-noise to the unshifted 1 − (i+1)/N (a quirk of the reference); turbo to t_next.
                    double renoiseTo = s.turbo() ? tNext : 1.0 - (double) (i + 1) / steps;
                    axpy(x, v, -t);
                    listener.sdeNoise(i + 1, sdeNoise.renoise(x, renoiseTo));
                    tNext = renoiseTo;
                } else {
                    axpy(x, v, -(t - tNext));
                }
            }
            // Turbo's last step computes x0 and stops: the official loop ends before injecting, so the boundary blend
            // still has generated frames outside the region to fade into. Base/SFT inject on their last step too.
            if (repaint != null && i < injectUntil && !(s.turbo() && last)) repaint.inject(x, noise, tNext);
            listener.afterStep(i + 1, steps, x);
        }
        if (repaint == null) return x;
        Tensor3 blended = repaint.blend(x);
        listener.blended(x, blended);
        return blended;
    }

    /** x += a·v. */
    private static void axpy(Tensor3 x, Tensor3 v, double a) {
        float[] xd = x.data(), vd = v.data();
        for (int i = 0; i < xd.length; i++) xd[i] = (float) (xd[i] + a * vd[i]);
    }
}
