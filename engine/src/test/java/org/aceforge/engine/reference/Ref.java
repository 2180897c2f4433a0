package org.aceforge.engine.reference;

import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.util.function.BiPredicate;

/**
 * Plain-Java double-precision building blocks, written straight from the spec's formulas, used to check the ONNX
 * graphs. Matrices are [rows][cols] with rows = sequence positions (batch 1).
 */
public final class Ref {
    private Ref() {}

    public static double[][] matrix(TensorData t) {
        long[] s = t.shape();
        int rows = (int) s[0], cols = (int) (t.elementCount() / rows);
        double[] d = t.toDoubles();
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) System.arraycopy(d, r * cols, m[r], 0, cols);
        return m;
    }

    /** Rows of a [1, S, D] (or [S, D]) tensor. */
    public static double[][] rows(TensorData t) {
        long[] s = t.shape();
        int d = (int) s[s.length - 1];
        int n = (int) (t.elementCount() / d);
        double[] all = t.toDoubles();
        double[][] m = new double[n][d];
        for (int r = 0; r < n; r++) System.arraycopy(all, r * d, m[r], 0, d);
        return m;
    }

    public static double[] flat(double[][] m) {
        int c = m[0].length;
        double[] out = new double[m.length * c];
        for (int r = 0; r < m.length; r++) System.arraycopy(m[r], 0, out, r * c, c);
        return out;
    }

    /** y = x·Wᵀ + b for a PyTorch Linear weight [out, in]. */
    public static double[][] linear(double[][] x, TensorData w, TensorData b) {
        double[][] W = matrix(w);
        double[] bias = b == null ? null : b.toDoubles();
        int out = W.length, in = W[0].length;
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            if (x[r].length != in) throw new IllegalArgumentException("linear " + w.name() + ": input width " + x[r].length + " != " + in);
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                double[] wr = W[o];
                for (int i = 0; i < in; i++) s += x[r][i] * wr[i];
                y[r][o] = s;
            }
        }
        return y;
    }

    public static double[] rmsNorm(double[] x, double[] w, double eps) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double inv = 1.0 / Math.sqrt(ss / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * inv * w[i];
        return y;
    }

    public static double[][] rmsNorm(double[][] x, double[] w, double eps) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) y[r] = rmsNorm(x[r], w, eps);
        return y;
    }

    /** Per-head RMSNorm of a [S, heads·D] matrix. */
    public static double[][] headNorm(double[][] x, int heads, int d, double[] w, double eps) {
        double[][] y = new double[x.length][heads * d];
        for (int r = 0; r < x.length; r++)
            for (int h = 0; h < heads; h++) {
                double[] part = new double[d];
                System.arraycopy(x[r], h * d, part, 0, d);
                System.arraycopy(rmsNorm(part, w, eps), 0, y[r], h * d, d);
            }
        return y;
    }

    /** Rotate-half RoPE at positions 0..S−1, per head. */
    static double[][] rope(double[][] x, int heads, int d, double theta) {
        int half = d / 2;
        double[][] y = new double[x.length][heads * d];
        for (int p = 0; p < x.length; p++)
            for (int h = 0; h < heads; h++)
                for (int k = 0; k < half; k++) {
                    double ang = p * Math.pow(theta, -2.0 * k / d);
                    double c = Math.cos(ang), s = Math.sin(ang);
                    double a = x[p][h * d + k], b = x[p][h * d + k + half];
                    y[p][h * d + k] = a * c - b * s;
                    y[p][h * d + k + half] = b * c + a * s;
                }
        return y;
    }

    /** Attention with GQA (query head j uses KV head j / (heads/kvHeads)); visible(i, j) masks keys. */
    public static double[][] attention(WeightSource w, double[][] x, double[][] kv, AttentionShape a, boolean rope,
                                       BiPredicate<Integer, Integer> visible) {
        int d = a.headDim();
        double[][] q = headNorm(linear(x, w.get("q_proj.weight"), null), a.heads(), d, w.doubles("q_norm.weight"), a.eps());
        double[][] k = headNorm(linear(kv, w.get("k_proj.weight"), null), a.kvHeads(), d, w.doubles("k_norm.weight"), a.eps());
        double[][] v = linear(kv, w.get("v_proj.weight"), null);
        if (rope) {
            q = rope(q, a.heads(), d, a.ropeTheta());
            k = rope(k, a.kvHeads(), d, a.ropeTheta());
        }
        int group = a.heads() / a.kvHeads();
        double scale = 1.0 / Math.sqrt(d);
        double[][] out = new double[x.length][a.heads() * d];
        for (int h = 0; h < a.heads(); h++) {
            int kh = h / group;
            for (int i = 0; i < x.length; i++) {
                double[] sc = new double[kv.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < kv.length; j++) {
                    if (visible != null && !visible.test(i, j)) { sc[j] = Double.NEGATIVE_INFINITY; continue; }
                    double s = 0;
                    for (int e = 0; e < d; e++) s += q[i][h * d + e] * k[j][kh * d + e];
                    sc[j] = s * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j < kv.length; j++) { sc[j] = Math.exp(sc[j] - max); sum += sc[j]; }
                for (int j = 0; j < kv.length; j++) {
                    double p = sc[j] / sum;
                    if (p == 0) continue;
                    for (int e = 0; e < d; e++) out[i][h * d + e] += p * v[j][kh * d + e];
                }
            }
        }
        return linear(out, w.get("o_proj.weight"), null);
    }

    public static BiPredicate<Integer, Integer> window(int w) {
        return (i, j) -> Math.abs(i - j) <= w;
    }

    public static final BiPredicate<Integer, Integer> CAUSAL = (i, j) -> j <= i;

    public static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    public static double[][] mlp(WeightSource w, double[][] x) {
        double[][] gate = linear(x, w.get("gate_proj.weight"), null);
        double[][] up = linear(x, w.get("up_proj.weight"), null);
        for (int r = 0; r < gate.length; r++)
            for (int i = 0; i < gate[r].length; i++) gate[r][i] = silu(gate[r][i]) * up[r][i];
        return linear(gate, w.get("down_proj.weight"), null);
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int r = 0; r < a.length; r++) for (int i = 0; i < a[r].length; i++) y[r][i] = a[r][i] + b[r][i];
        return y;
    }

    public static double[][] encoderLayer(WeightSource w, double[][] x, AttentionShape a, BiPredicate<Integer, Integer> visible) {
        double[][] n = rmsNorm(x, w.doubles("input_layernorm.weight"), a.eps());
        double[][] h = add(x, attention(w.sub("self_attn."), n, n, a, true, visible));
        double[][] n2 = rmsNorm(h, w.doubles("post_attention_layernorm.weight"), a.eps());
        return add(h, mlp(w.sub("mlp."), n2));
    }

    /** Relative L2 error ‖a − b‖ / ‖b‖. */
    public static double relErr(float[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < b.length; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    public static double relErr(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) d[i] = b[i];
        return relErr(a, d);
    }
}
