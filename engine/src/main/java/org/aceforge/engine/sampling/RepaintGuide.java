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

    /**
     * Weight of the generated latent per frame: 1 inside the regenerated spans; outside, a ramp of
     * linspace(0, 1, L + 2) without its ends rising into each span on both sides (L = cf frames), as the reference's
     * boundary blend. Where fewer than cf frames are left — at the file's edges, or between two spans (our extension:
     * the reference knows one span), where the gap is shared — the ramp is squeezed into the frames available
     * (linspace(0, 1, room + 2)), not cut.
     */
    public static double[] blendWeights(boolean[] inside, int cf) {
        int T = inside.length;
        double[] w = new double[T];
        java.util.List<int[]> spans = new java.util.ArrayList<>();
        for (int t = 0; t < T; t++) {
            if (!inside[t]) continue;
            int s = t;
            while (t < T && inside[t]) w[t++] = 1;
            spans.add(new int[]{s, t});
        }
        for (int k = 0; k < spans.size(); k++) {
            int s = spans.get(k)[0], e = spans.get(k)[1];
            int before = k == 0 ? s : (s - spans.get(k - 1)[1]) / 2;                  // the earlier span keeps the odd frame
            int after = k == spans.size() - 1 ? T - e : (spans.get(k + 1)[0] - e + 1) / 2;
            int left = Math.min(cf, before), right = Math.min(cf, after);
            for (int j = 1; j <= left; j++) w[s - j] = (double) (left + 1 - j) / (left + 1);
            for (int j = 1; j <= right; j++) w[e - 1 + j] = (double) (right + 1 - j) / (right + 1);
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
