package org.aceforge.engine.train;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.reference.RefDit;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.aceforge.engine.graph.OnnxGraph;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole DiT's LoRA gradients on the demo pack's DiT: the training graph's loss equals the flow-matching loss of
 * the plain-Java float64 DiT with the adapter merged into its weights (W + (α/r)·B·A), and its gradients agree with
 * central finite differences of that reference along random directions through every factor at once.
 */
class LoraGradientTest {
    static final int T = 21, L = 9;

    @Test
    void theDitsLoraGradientsMatchFiniteDifferences() throws Exception {
        Path d = DemoPackFixture.pack().dit(ModelPack.Variant.TURBO);
        AceStepConfig c = AceStepConfig.read(d.resolve("config.json"));
        WeightSource dit = Checkpoint.open(d, "model");
        LoraParameters lora = LoraParameters.fresh(dit, c.numHiddenLayers(), 4, 8, 1);
        Random rnd = new Random(5);
        // B random too: with B = 0 (a fresh adapter) every dL/dA is zero and the check would prove little.
        for (float[] f : lora.arrays().values()) for (int i = 0; i < f.length; i++) f[i] = (float) (rnd.nextGaussian() * 0.1);
        int C = c.latentChannels(), Cc = c.inChannels() - C, H = c.hiddenSize();
        double[][] x = random(rnd, T, C), ctx = random(rnd, T, Cc), enc = random(rnd, L, H), target = random(rnd, T, C);
        double t = 0.75;

        OnnxGraph g = LoraTrainingGraph.build(c, dit, lora);
        Map<String, TensorData> feeds = new HashMap<>(lora.feeds());
        feeds.put("hidden_states", tensor("x", x));
        feeds.put("context_latents", tensor("c", ctx));
        feeds.put("encoder_hidden_states", tensor("e", enc));
        feeds.put("timestep", TensorData.ofFloats("t", new float[]{(float) t}, 1));
        feeds.put(LoraTrainingGraph.TARGET, tensor("y", target));
        Map<String, float[]> grads = new LinkedHashMap<>();
        double loss;
        try (NetSession s = new NetSession("lora-train", g.toModelBytes(), g.externalWeights())) {
            Map<String, TensorData> out = s.run(feeds);
            loss = out.get(LoraTrainingGraph.LOSS).toFloats()[0];
            for (String name : lora.names()) grads.put(name, out.get(LoraTrainingGraph.GRAD + name).toFloats());
        }
        double ref = refLoss(c, dit, lora, null, 0, x, ctx, enc, t, target);
        assertEquals(ref, loss, 1e-4 * Math.abs(ref), "the loss of the training graph is the reference's");

        for (int k = 0; k < 4; k++) {
            Map<String, double[]> dir = new LinkedHashMap<>();
            double analytic = 0;
            for (var e : grads.entrySet()) {
                double[] v = new double[e.getValue().length];
                for (int i = 0; i < v.length; i++) { v[i] = rnd.nextGaussian(); analytic += v[i] * e.getValue()[i]; }
                dir.put(e.getKey(), v);
            }
            double h = 1e-5;   // d has ~N(0,1) entries over thousands of factors: h·‖d‖ must stay small (curvature)
            double fd = (refLoss(c, dit, lora, dir, h, x, ctx, enc, t, target) - refLoss(c, dit, lora, dir, -h, x, ctx, enc, t, target)) / (2 * h);
            double rel = Math.abs(analytic - fd) / Math.abs(fd);
            assertTrue(rel < 1e-3, "direction " + k + ": gradient·d " + analytic + " vs finite difference " + fd + " (relative " + rel + ")");
        }
    }

    /** mean((v̂ − target)²) of the float64 reference DiT with the adapter (moved by h·dir) merged into its weights. */
    static double refLoss(AceStepConfig c, WeightSource dit, LoraParameters lora, Map<String, double[]> dir, double h,
                          double[][] x, double[][] ctx, double[][] enc, double t, double[][] target) {
        Map<String, TensorData> merged = new LinkedHashMap<>(dit.tensors());
        int r = lora.rank();
        for (LoraParameters.Module m : lora.modules()) {
            double[] a = new double[m.a().length], b = new double[m.b().length];
            for (int i = 0; i < a.length; i++) a[i] = m.a()[i] + (dir == null ? 0 : h * dir.get(m.keyA())[i]);
            for (int i = 0; i < b.length; i++) b[i] = m.b()[i] + (dir == null ? 0 : h * dir.get(m.keyB())[i]);
            double[] w = dit.doubles(m.weight());
            double[] out = new double[w.length];
            for (int o = 0; o < m.out(); o++)
                for (int i = 0; i < m.in(); i++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) s += b[o * r + k] * a[k * m.in() + i];
                    out[o * m.in() + i] = w[o * m.in() + i] + lora.scale() * s;
                }
            merged.put(m.weight(), doubleTensor(m.weight(), out, m.out(), m.in()));
        }
        double[][] v = RefDit.forward(c, () -> merged, x, ctx, enc, t);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < v.length; i++) for (int j = 0; j < v[i].length; j++) { double e = v[i][j] - target[i][j]; sum += e * e; n++; }
        return sum / n;
    }

    /** A float64 tensor, so that the perturbation is not rounded away in the reference. */
    static TensorData doubleTensor(String name, double[] data, long... shape) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(data.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        return new TensorData(name, org.aceforge.engine.tensors.DType.F64, shape, b);
    }

    static double[][] random(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] r : m) for (int i = 0; i < cols; i++) r[i] = (float) rnd.nextGaussian();
        return m;
    }

    static TensorData tensor(String name, double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int r = 0; r < m.length; r++) for (int c = 0; c < m[0].length; c++) f[r * m[0].length + c] = (float) m[r][c];
        return TensorData.ofFloats(name, f, 1, m.length, m[0].length);
    }
}
