package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/**
 * Repaint inside the sampler: after each of the first round(ratio·steps) updates, frames outside the regenerated range
 * are reset to t_next·noise + (1 − t_next)·clean; after sampling, the generated latent is blended into the clean
 * source with a linear ramp of {@code crossfadeFrames} on each side of every regenerated span.
 *
 * @param regenerate [B][T], true where the latent is regenerated
 */
public record RepaintGuide(boolean[][] regenerate, Tensor3 clean, double injectionRatio, int crossfadeFrames) {

    /** Python's round(): halves go to the even neighbour. */
    int injectionSteps(int steps) {
        return (int) Math.rint(injectionRatio * steps);
    }

    void inject(Tensor3 x, Tensor3 noise, double tNext) {
        int T = x.frames(), C = x.channels();
        for (int b = 0; b < x.batch(); b++)
            for (int t = 0; t < T; t++) {
                if (regenerate[b][t]) continue;
                int base = (b * T + t) * C;
                for (int c = 0; c < C; c++)
                    x.data()[base + c] = (float) (tNext * noise.data()[base + c] + (1 - tNext) * clean.data()[base + c]);
            }
    }

    /** Weight of the generated latent per frame: 1 inside, linspace(0, 1, cf + 2) without its ends outside. */
    public static double[] blendWeights(boolean[] inside, int cf) {
        int T = inside.length;
        double[] w = new double[T];
        for (int t = 0; t < T; t++) if (inside[t]) w[t] = 1;
        for (int t = 0; t < T; t++) {
            if (!inside[t]) continue;
            boolean startsSpan = t == 0 || !inside[t - 1];
            boolean endsSpan = t == T - 1 || !inside[t + 1];
            for (int k = 1; k <= cf; k++) {
                double v = (double) (cf + 1 - k) / (cf + 1);
                if (startsSpan && t - k >= 0) w[t - k] = Math.max(w[t - k], v);
                if (endsSpan && t + k < T) w[t + k] = Math.max(w[t + k], v);
            }
        }
        return w;
    }

    Tensor3 blend(Tensor3 generated) {
        if (crossfadeFrames <= 0) return generated;
        int T = generated.frames(), C = generated.channels();
        float[] out = generated.data().clone();
        for (int b = 0; b < generated.batch(); b++) {
            double[] w = blendWeights(regenerate[b], crossfadeFrames);
            for (int t = 0; t < T; t++)
                for (int c = 0; c < C; c++) {
                    int i = (b * T + t) * C + c;
                    out[i] = (float) (w[t] * generated.data()[i] + (1 - w[t]) * clean.data()[i]);
                }
        }
        return new Tensor3(out, generated.batch(), T, C);
    }
}
