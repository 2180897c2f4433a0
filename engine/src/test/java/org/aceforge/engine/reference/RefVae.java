package org.aceforge.engine.reference;

import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.tensors.WeightSource;

/** The Oobleck VAE in double precision, channel-major [C][L] activations (batch 1). */
public final class RefVae {
    private static final int[] DIL = {1, 3, 9};

    private RefVae() {}

    /** latents [T][C] → audio [T·hop][2]. */
    public static double[][] decode(VaeConfig c, WeightSource all, double[][] latents) {
        WeightSource w = all.sub("decoder.");
        double[][] x = transpose(latents);
        x = conv(w, "conv1", x, 1, 3, 1);
        int[] r = c.downsamplingRatios();
        for (int i = 0; i < r.length; i++) {
            WeightSource b = w.sub("block." + i + ".");
            int s = r[r.length - 1 - i];
            x = convTranspose(b, "conv_t1", snake(b, "snake1", x), s);
            for (int u = 0; u < 3; u++) x = res(b.sub("res_unit" + (u + 1) + "."), x, DIL[u]);
        }
        x = conv(w, "conv2", snake(w, "snake1", x), 1, 3, 1);
        return transpose(x);
    }

    /** audio [N][2] → moments [⌊N/hop⌋][2C]. */
    public static double[][] encode(VaeConfig c, WeightSource all, double[][] audio) {
        WeightSource w = all.sub("encoder.");
        double[][] x = conv(w, "conv1", transpose(audio), 1, 3, 1);
        int[] r = c.downsamplingRatios();
        for (int i = 0; i < r.length; i++) {
            WeightSource b = w.sub("block." + i + ".");
            for (int u = 0; u < 3; u++) x = res(b.sub("res_unit" + (u + 1) + "."), x, DIL[u]);
            x = conv(b, "conv1", snake(b, "snake1", x), r[i], (r[i] + 1) / 2, 1);
        }
        x = conv(w, "conv2", snake(w, "snake1", x), 1, 1, 1);
        return transpose(x);
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    static double[][] res(WeightSource w, double[][] x, int d) {
        double[][] y = conv(w, "conv2", snake(w, "snake2", conv(w, "conv1", snake(w, "snake1", x), 1, 3 * d, d)), 1, 0, 1);
        return Ref.add(x, y);
    }

    static double[][] snake(WeightSource w, String name, double[][] x) {
        double[] a = w.doubles(name + ".alpha"), b = w.doubles(name + ".beta");
        double[][] y = new double[x.length][x[0].length];
        for (int ch = 0; ch < x.length; ch++) {
            double ea = Math.exp(a[ch]), ib = 1 / (Math.exp(b[ch]) + 1e-9);
            for (int t = 0; t < x[ch].length; t++) {
                double s = Math.sin(ea * x[ch][t]);
                y[ch][t] = x[ch][t] + ib * s * s;
            }
        }
        return y;
    }

    /** Fused weight [d0][d1][k]. */
    static double[][][] weight(WeightSource w, String name) {
        long[] sh = w.get(name + ".weight_v").shape();
        int d0 = (int) sh[0], d1 = (int) sh[1], k = (int) sh[2];
        double[] v = w.doubles(name + ".weight_v"), g = w.doubles(name + ".weight_g");
        double[][][] out = new double[d0][d1][k];
        for (int o = 0; o < d0; o++) {
            double n = 0;
            for (int i = 0; i < d1 * k; i++) n += v[o * d1 * k + i] * v[o * d1 * k + i];
            n = Math.sqrt(n);
            for (int i = 0; i < d1; i++) for (int j = 0; j < k; j++) out[o][i][j] = g[o] * v[(o * d1 + i) * k + j] / n;
        }
        return out;
    }

    static double[][] conv(WeightSource w, String name, double[][] x, int stride, int pad, int dil) {
        double[][][] W = weight(w, name);
        double[] bias = w.has(name + ".bias") ? w.doubles(name + ".bias") : null;
        int out = W.length, in = W[0].length, k = W[0][0].length, L = x[0].length;
        int Lout = (L + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        double[][] y = new double[out][Lout];
        for (int o = 0; o < out; o++)
            for (int t = 0; t < Lout; t++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++)
                    for (int j = 0; j < k; j++) {
                        int pos = t * stride - pad + j * dil;
                        if (pos >= 0 && pos < L) s += W[o][i][j] * x[i][pos];
                    }
                y[o][t] = s;
            }
        return y;
    }

    static double[][] convTranspose(WeightSource w, String name, double[][] x, int s) {
        double[][][] W = weight(w, name);   // [in][out][k]
        double[] bias = w.doubles(name + ".bias");
        int in = W.length, out = W[0].length, k = W[0][0].length, L = x[0].length, pad = (s + 1) / 2;
        int Lout = (L - 1) * s - 2 * pad + k;
        double[][] y = new double[out][Lout];
        for (int o = 0; o < out; o++) java.util.Arrays.fill(y[o], bias[o]);
        for (int i = 0; i < in; i++)
            for (int t = 0; t < L; t++)
                for (int j = 0; j < k; j++) {
                    int pos = t * s + j - pad;
                    if (pos < 0 || pos >= Lout) continue;
                    for (int o = 0; o < out; o++) y[o][pos] += W[i][o][j] * x[i][t];
                }
        return y;
    }
}
