package org.aceforge.engine.lm;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from logits in the reference order (spec §4.5): constraint mask, top-k, top-p on the
 * untempered distribution, then temperature and a multinomial draw (greedy when the temperature is ≤ 0).
 * Seeded, so a plan is reproducible.
 */
public final class TokenSampler {
    private final LmOptions options;
    private final Random random;

    public TokenSampler(LmOptions options, long seed) {
        this.options = options;
        this.random = new Random(seed);
    }

    /** Classifier-free guidance uncond + s·(cond − uncond), written into cond, only where allowed (others −∞). */
    public static void guide(float[] cond, float[] uncond, double scale, boolean[] allowed) {
        for (int i = 0; i < cond.length; i++)
            cond[i] = allowed != null && !allowed[i] ? Float.NEGATIVE_INFINITY : (float) (uncond[i] + scale * (cond[i] - uncond[i]));
    }

    /** Greedy among allowed ids (null = all). */
    public static int argmax(float[] logits, boolean[] allowed) {
        int best = -1;
        for (int i = 0; i < logits.length; i++)
            if ((allowed == null || allowed[i]) && (best < 0 || logits[i] > logits[best])) best = i;
        if (best < 0) throw new IllegalStateException("no token is allowed here");
        return best;
    }

    /**
     * The smallest value kept when keeping the top {@code k} values (k > 0) or the smallest top set whose softmax
     * mass reaches {@code p} (k = 0), among values ≥ floor. Values are binned, the bins walked from the top, and only
     * the bin where the cut falls is sorted.
     */
    static float cut(float[] values, int n, float floor, float max, int k, double p) {
        float min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) if (values[i] >= floor) min = Math.min(min, values[i]);
        if (!(max > min)) return min;
        final int bins = 2048;
        double scale = (bins - 1) / ((double) max - min);
        int[] count = new int[bins];
        double[] mass = new double[bins];
        double z = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] < floor) continue;
            int b = (int) ((values[i] - min) * scale);
            count[b]++;
            double e = Math.exp(values[i] - max);
            mass[b] += e;
            z += e;
        }
        int cumCount = 0;
        double cumMass = 0;
        for (int b = bins - 1; b >= 0; b--) {
            if (count[b] == 0) continue;
            boolean crosses = k > 0 ? cumCount + count[b] >= k : (cumMass + mass[b]) / z >= p;
            if (!crosses) {
                cumCount += count[b];
                cumMass += mass[b];
                continue;
            }
            float[] in = new float[count[b]];
            int m = 0;
            for (int i = 0; i < n; i++)
                if (values[i] >= floor && (int) ((values[i] - min) * scale) == b) in[m++] = values[i];
            Arrays.sort(in);
            for (int i = m - 1; i >= 0; i--) {
                cumCount++;
                cumMass += Math.exp(in[i] - max);
                if (k > 0 ? cumCount >= k : cumMass / z >= p) return in[i];
            }
            return in[0];
        }
        return min;
    }

    /** Samples among allowed ids (null = all). */
    public int sample(float[] logits, boolean[] allowed) {
        int n = 0;
        float[] values = new float[logits.length];
        for (int i = 0; i < logits.length; i++)
            if ((allowed == null || allowed[i]) && logits[i] != Float.NEGATIVE_INFINITY) values[n++] = logits[i];
        if (n == 0 || options.temperature() <= 0 || n == 1) return argmax(logits, allowed);
        // The top-k / top-p cut is a logit threshold, found by histogram (a 64k-entry sort costs 6 ms a step here).
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, values[i]);
        float threshold = Float.NEGATIVE_INFINITY;
        if (options.topK() > 0 && options.topK() < n) threshold = cut(values, n, threshold, max, options.topK(), 2);
        if (options.topP() < 1) threshold = Math.max(threshold, cut(values, n, threshold, max, 0, options.topP()));
        double t = options.temperature(), z = 0;
        int[] ids = new int[64];
        double[] w = new double[ids.length];
        int m = 0;
        for (int i = 0; i < logits.length; i++) {
            if ((allowed == null || allowed[i]) && logits[i] >= threshold) {
                if (m == ids.length) { ids = Arrays.copyOf(ids, m * 2); w = Arrays.copyOf(w, m * 2); }   // ties at the cut
                ids[m] = i;
                z += w[m++] = Math.exp((logits[i] - max) / t);
            }
        }
        double u = random.nextDouble() * z;
        for (int i = 0; i < m; i++) {
            u -= w[i];
            if (u <= 0) return ids[i];
        }
        int last = ids[m - 1];
        return last;
    }
}
