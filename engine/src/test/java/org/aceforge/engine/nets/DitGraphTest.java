package org.aceforge.engine.nets;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.reference.RefDit;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DitGraphTest {
    /** The dit-tiny fixture's config, weights and inputs. */
    record Tiny(AceStepConfig c, SafeTensors w, TensorData xt, TensorData ctx, TensorData enc, TensorData t) {
        static Tiny read(Path dir) throws Exception {
            return new Tiny(AceStepConfig.read(dir.resolve("config.json")), SafeTensors.open(dir.resolve("model.safetensors")),
                    Npy.read(dir.resolve("in_hidden_states.npy")), Npy.read(dir.resolve("in_context_latents.npy")),
                    Npy.read(dir.resolve("in_encoder_hidden_states.npy")), Npy.read(dir.resolve("in_timestep.npy")));
        }
    }

    @Test
    void reproducesDitTinyFixture() throws Exception {
        Path dir = Fixtures.dir("dit-tiny");
        Tiny f = Tiny.read(dir);
        AceStepConfig c = f.c();
        SafeTensors w = f.w();
        TensorData xt = f.xt(), ctx = f.ctx(), enc = f.enc(), t = f.t();
        float[] expected = Npy.read(dir.resolve("out_velocity.npy")).toFloats();

        double[][] ref = RefDit.forward(c, w, Ref.rows(xt), Ref.rows(ctx), Ref.rows(enc), t.toDoubles()[0]);
        double refErr = Ref.relErr(expected, Ref.flat(ref));
        assertTrue(refErr < 1e-5, "reference vs fixture rel err " + refErr);

        OnnxGraph g = DitGraph.build(c, w);
        try (NetSession s = new NetSession("dit", g.toModelBytes(), g.externalWeights())) {
            float[] got = s.run(Map.of("hidden_states", xt, "context_latents", ctx, "encoder_hidden_states", enc,
                    "timestep", TensorData.ofFloats("t", t.toFloats(), 1))).get("velocity").toFloats();
            double err = Ref.relErr(got, expected);
            assertTrue(err < 1e-4, "graph vs fixture rel err " + err);
        }
    }

    /**
     * The inference DiT's self-attention in slices (past 512 tokens: the sliding layer's windowed slices) equals the
     * whole-sequence form on the dit-tiny weights at 1 200 frames (600 tokens, a window of ±4).
     */
    @Test
    void slicedSelfAttentionEqualsTheWholeSequence() throws Exception {
        Tiny f = Tiny.read(Fixtures.dir("dit-tiny"));
        AceStepConfig c = f.c();
        int frames = 1200, C = c.latentChannels();
        java.util.Random r = new java.util.Random(9);
        TensorData xt = TensorData.ofFloats("x", gaussian(r, frames * C), 1, frames, C);
        TensorData ctx = TensorData.ofFloats("c", gaussian(r, frames * (c.inChannels() - C)), 1, frames, c.inChannels() - C);
        Map<String, TensorData> in = Map.of("hidden_states", xt, "context_latents", ctx, "encoder_hidden_states", f.enc(),
                "timestep", TensorData.ofFloats("t", f.t().toFloats(), 1));
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            OnnxGraph g = DitGraph.build(c, f.w(), null, null, 0, null, false, k == 1);
            try (NetSession s = new NetSession("dit", g.toModelBytes(), g.externalWeights())) {
                out[k] = s.run(in).get("velocity").toFloats();
            }
        }
        double err = Ref.relErr(out[1], out[0]);
        assertTrue(err < 1e-5, "sliced vs whole rel err " + err);
    }

    private static float[] gaussian(java.util.Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** The auto-LRC outputs: raw cross-attention scores q·kᵀ/√d of every head against a double-precision reference. */
    @Test
    void crossAttentionScoresMatchTheReference() throws Exception {
        Path dir = Fixtures.dir("dit-tiny");
        Tiny f = Tiny.read(dir);
        AceStepConfig c = f.c();
        SafeTensors w = f.w();
        TensorData xt = f.xt(), ctx = f.ctx(), enc = f.enc(), t = f.t();
        var a = c.attention();
        java.util.Map<Integer, int[]> heads = new java.util.TreeMap<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) heads.put(l, l % 2 == 0 ? new int[]{0, a.heads() - 1} : new int[]{1});
        java.util.Map<Integer, double[][][]> expected = new java.util.HashMap<>();
        RefDit.forward(c, w, Ref.rows(xt), Ref.rows(ctx), Ref.rows(enc), t.toDoubles()[0], (layer, cn, cond) -> {
            var lw = w.sub("decoder.layers." + layer + ".cross_attn.");
            double[][] q = Ref.headNorm(Ref.linear(cn, lw.get("q_proj.weight"), null), a.heads(), a.headDim(), lw.doubles("q_norm.weight"), a.eps());
            double[][] k = Ref.headNorm(Ref.linear(cond, lw.get("k_proj.weight"), null), a.kvHeads(), a.headDim(), lw.doubles("k_norm.weight"), a.eps());
            int[] hs = heads.get(layer);
            double[][][] s = new double[hs.length][q.length][k.length];
            for (int j = 0; j < hs.length; j++) {
                int h = hs[j], kh = h / (a.heads() / a.kvHeads());
                for (int i = 0; i < q.length; i++)
                    for (int m = 0; m < k.length; m++) {
                        double v = 0;
                        for (int e = 0; e < a.headDim(); e++) v += q[i][h * a.headDim() + e] * k[m][kh * a.headDim() + e];
                        s[j][i][m] = v / Math.sqrt(a.headDim());
                    }
            }
            expected.put(layer, s);
        });
        OnnxGraph g = DitGraph.build(c, w, null, null, 0, heads);
        try (NetSession s = new NetSession("dit-align", g.toModelBytes(), g.externalWeights())) {
            var out = s.run(Map.of("hidden_states", xt, "context_latents", ctx, "encoder_hidden_states", enc,
                    "timestep", TensorData.ofFloats("t", t.toFloats(), 1)));
            for (int layer : heads.keySet()) {
                float[] got = out.get(DitGraph.crossScores(layer)).toFloats();
                double err = Ref.relErr(got, Arrays.stream(expected.get(layer)).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray());
                assertTrue(err < 1e-4, "layer " + layer + ": " + err);
            }
            assertTrue(Ref.relErr(out.get("velocity").toFloats(), Npy.read(dir.resolve("out_velocity.npy")).toFloats()) < 1e-4,
                    "the velocity is unchanged by the extra outputs");
        }
    }
}
