package org.aceforge.engine.reference;

import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.tensors.WeightSource;

/** The DiT forward of spec §1.2 in double precision, batch 1. */
public final class RefDit {
    private RefDit() {}

    static double[][] timestep(WeightSource w, double t) {
        double[] emb = new double[256];
        for (int k = 0; k < 128; k++) {
            double f = Math.exp(-Math.log(10000) * k / 128);
            emb[k] = Math.cos(t * 1000 * f);
            emb[k + 128] = Math.sin(t * 1000 * f);
        }
        double[][] h = Ref.linear(new double[][]{emb}, w.get("linear_1.weight"), w.get("linear_1.bias"));
        for (int i = 0; i < h[0].length; i++) h[0][i] = Ref.silu(h[0][i]);
        double[][] temb = Ref.linear(h, w.get("linear_2.weight"), w.get("linear_2.bias"));
        double[][] s = new double[][]{temb[0].clone()};
        for (int i = 0; i < s[0].length; i++) s[0][i] = Ref.silu(s[0][i]);
        double[][] proj = Ref.linear(s, w.get("time_proj.weight"), w.get("time_proj.bias"));
        return new double[][]{temb[0], proj[0]};
    }

    /** x_t [T][C], context [T][2C], enc [L][H] → velocity [T][C]. */
    public static double[][] forward(AceStepConfig c, WeightSource all, double[][] xt, double[][] ctx, double[][] enc, double t) {
        return forward(c, all, xt, ctx, enc, t, null);
    }

    /** Receives each layer's cross-attention input (normed states, condition) — for the auto-LRC scores. */
    public interface CrossInput {
        void accept(int layer, double[][] normed, double[][] cond);
    }

    public static double[][] forward(AceStepConfig c, WeightSource all, double[][] xt, double[][] ctx, double[][] enc, double t,
                                     CrossInput crossInput) {
        WeightSource w = all.sub("decoder.");
        int C = c.latentChannels(), H = c.hiddenSize(), P = c.patchSize();
        double[][] te = timestep(w.sub("time_embed."), t), tr = timestep(w.sub("time_embed_r."), 0);
        double[] temb = new double[H], proj = new double[6 * H];
        for (int i = 0; i < H; i++) temb[i] = te[0][i] + tr[0][i];
        for (int i = 0; i < 6 * H; i++) proj[i] = te[1][i] + tr[1][i];

        int T = xt.length, cin = ctx[0].length + C;
        int tokens = (T + P - 1) / P;
        double[][] x = new double[tokens][H];
        double[] wIn = w.doubles("proj_in.1.weight");      // [H, cin, P]
        double[] bIn = w.doubles("proj_in.1.bias");
        for (int tok = 0; tok < tokens; tok++)
            for (int o = 0; o < H; o++) {
                double s = bIn[o];
                for (int k = 0; k < P; k++) {
                    int f = tok * P + k;
                    if (f >= T) continue;
                    for (int i = 0; i < cin; i++) {
                        double v = i < ctx[0].length ? ctx[f][i] : xt[f][i - ctx[0].length];
                        s += wIn[(o * cin + i) * P + k] * v;
                    }
                }
                x[tok][o] = s;
            }
        double[][] cond = Ref.linear(enc, w.get("condition_embedder.weight"), w.get("condition_embedder.bias"));
        AttentionShape a = c.attention();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            WeightSource lw = w.sub("layers." + l + ".");
            double[] table = lw.doubles("scale_shift_table");
            double[][] m = new double[6][H];
            for (int j = 0; j < 6; j++) for (int i = 0; i < H; i++) m[j][i] = table[j * H + i] + proj[j * H + i];
            double[][] n = modulate(Ref.rmsNorm(x, lw.doubles("self_attn_norm.weight"), a.eps()), m[1], m[0]);
            double[][] att = Ref.attention(lw.sub("self_attn."), n, n, a, true, c.sliding(l) ? Ref.window(c.slidingWindow()) : null);
            double[][] h = new double[tokens][H];
            for (int r = 0; r < tokens; r++) for (int i = 0; i < H; i++) h[r][i] = x[r][i] + m[2][i] * att[r][i];
            double[][] cn = Ref.rmsNorm(h, lw.doubles("cross_attn_norm.weight"), a.eps());
            if (crossInput != null) crossInput.accept(l, cn, cond);
            h = Ref.add(h, Ref.attention(lw.sub("cross_attn."), cn, cond, a, false, null));
            double[][] mn = modulate(Ref.rmsNorm(h, lw.doubles("mlp_norm.weight"), a.eps()), m[4], m[3]);
            double[][] ff = Ref.mlp(lw.sub("mlp."), mn);
            for (int r = 0; r < tokens; r++) for (int i = 0; i < H; i++) h[r][i] += m[5][i] * ff[r][i];
            x = h;
        }
        double[] table = w.doubles("scale_shift_table");
        double[] shift = new double[H], scale = new double[H];
        for (int i = 0; i < H; i++) { shift[i] = table[i] + temb[i]; scale[i] = table[H + i] + temb[i]; }
        x = modulate(Ref.rmsNorm(x, w.doubles("norm_out.weight"), a.eps()), scale, shift);
        double[] wOut = w.doubles("proj_out.1.weight");   // [H, C, P]
        double[] bOut = w.doubles("proj_out.1.bias");
        double[][] v = new double[T][C];
        for (int f = 0; f < T; f++) {
            int tok = f / P, k = f % P;
            for (int o = 0; o < C; o++) {
                double s = bOut[o];
                for (int i = 0; i < H; i++) s += wOut[(i * C + o) * P + k] * x[tok][i];
                v[f][o] = s;
            }
        }
        return v;
    }

    static double[][] modulate(double[][] x, double[] scale, double[] shift) {
        double[][] y = new double[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) for (int i = 0; i < x[r].length; i++) y[r][i] = x[r][i] * (1 + scale[i]) + shift[i];
        return y;
    }
}
