package org.aceforge.engine.graph;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.lm.CausalLm;
import org.aceforge.engine.lm.KvCache;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.pipeline.DitModel;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** INT8 weights: the quantizer against its definition, and int8 DiT / LM outputs against fp32. */
class Int8WeightsTest {

    /** The quantizer's rounding (floor(x + 0.5) in double, for speed) is Math.round's, ties and edges included. */
    @Test
    void roundingIsMathRoundClamped() {
        float[] edges = {0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f, 0.50000006f,
                62.5f, -62.5f, 63.49f, 63.5f, -63.5f, 126.5f, -126.5f, 127f, 127.49998f, -127.5f, 1e-30f, Float.NaN};
        Random r = new Random(11);
        for (int i = 0; i < 2_000_000 + edges.length; i++) {
            float x = i < edges.length ? edges[i] : (i % 3 == 0 ? Math.round(r.nextFloat() * 256 - 128) + 0.5f : (r.nextFloat() * 2 - 1) * 130);
            for (int levels : new int[]{7, 63, 127}) {
                int want = Math.max(-levels, Math.min(levels, Math.round(x)));
                assertEquals(want, Int8Weights.rounded(x, levels), "x = " + x + ", levels " + levels);
            }
        }
    }
    @TempDir
    Path cache;

    /**
     * Layers that read the same input run as one matmul on the per-column kernels (one Split, no second quantization)
     * and give the separate layers' outputs; on MatMulNBits, fp32 or with a LoRA pair they stay separate.
     */
    @Test
    void joinedLinearsEqualSeparateOnesOnPerColumnKernels() throws Exception {
        Random r = new Random(4);
        int in = 256, m = 9;
        int[] outs = {128, 64, 64};
        Map<String, TensorData> all = new LinkedHashMap<>();
        TensorData[] ws = new TensorData[outs.length];
        for (int i = 0; i < outs.length; i++) {
            float[] w = new float[outs[i] * in];
            for (int k = 0; k < w.length; k++) w[k] = (float) (r.nextGaussian() * 0.05);
            ws[i] = TensorData.ofFloats("l" + i + ".weight", w, outs[i], in);
            all.put(ws[i].name(), ws[i]);
        }
        float[] x = new float[m * in];
        for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
        Map<String, TensorData> feed = Map.of("x", TensorData.ofFloats("x", x, 1, m, in));
        for (Int8Kernel kernel : new Int8Kernel[]{null, Int8Kernel.MATMUL_NBITS, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL,
                Int8Kernel.MATMUL_INTEGER, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, Int8Kernel.MATMUL_INTEGER_7}) {
            float[][] results = new float[2][];
            for (int joined = 0; joined < 2; joined++) {
                Int8Weights q = kernel == null ? null : new Int8Weights(() -> all, kernel);
                OnnxGraph g = new OnnxGraph("lin").int8(q);
                OnnxGraph.V xv = g.input("x", org.aceforge.engine.tensors.DType.F32, 1L, (long) m, (long) in);
                OnnxGraph.V[] ys = new OnnxGraph.V[outs.length];
                if (joined == 1) ys = g.linears(xv, ws);
                else for (int i = 0; i < outs.length; i++) ys[i] = g.linear(xv, ws[i], null);
                g.output(g.concat(2, ys), "y", org.aceforge.engine.tensors.DType.F32, 1L, (long) m, 256L);
                boolean split = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(g.toModelBytes()).getGraph().getNodeList().stream().anyMatch(nd -> nd.getOpType().equals("Split"));
                assertEquals(joined == 1 && kernel != null && kernel.perColumn(), split, kernel + " joined " + joined);
                // A cached graph asks for the joined tensors by name when its session opens: a fresh source makes them alike.
                for (var e : g.externalWeights().entrySet())
                    if (e.getKey().contains(Int8Weights.JOIN))
                        assertEquals(e.getValue().bytes(), new Int8Weights(() -> all, kernel).get(e.getKey()).bytes(), e.getKey());
                try (var session = new org.aceforge.engine.runtime.NetSession("lin", g.toModelBytes(), g.externalWeights())) {
                    results[joined] = session.run(feed).get("y").toFloats();
                }
            }
            double num = 0, den = 0;
            for (int k = 0; k < results[0].length; k++) {
                num += Math.pow(results[0][k] - results[1][k], 2);
                den += Math.pow(results[0][k], 2);
            }
            assertTrue(Math.sqrt(num / den) < 1e-6, kernel + ": joined vs separate " + Math.sqrt(num / den));
        }
    }

    @Test
    void quantizedBlocksDequantizeWithinHalfAStep() {
        Random r = new Random(1);
        int out = 37, in = 200;
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * (1 + i % 7));
        w[5] = 0;   // a zero row element; and a whole zero row below
        for (int k = 0; k < in; k++) w[3 * in + k] = 0;
        TensorData t = TensorData.ofFloats("lin.weight", w, out, in);
        Int8Weights q = new Int8Weights(() -> Map.of("lin.weight", t));
        TensorData b = q.get("lin.weight" + Int8Weights.SUFFIX);
        float[] s = q.get("lin.weight" + Int8Weights.SCALE_SUFFIX).toFloats();
        int blocks = 2;   // 200 inputs → two blocks of 128, the second zero-padded
        assertArrayEquals(new long[]{out, blocks, 128}, b.shape());
        assertEquals(out * blocks, s.length);
        for (int n = 0; n < out; n++) {
            for (int blk = 0; blk < blocks; blk++) {
                float max = 0;
                for (int k = blk * 128; k < Math.min(in, (blk + 1) * 128); k++) max = Math.max(max, Math.abs(w[n * in + k]));
                float sc = s[n * blocks + blk];
                assertEquals(max == 0 ? 1f : max / 127f, sc, 1e-7f * Math.max(1, max));
                for (int k = 0; k < 128; k++) {
                    int v = (b.bytes().get((n * blocks + blk) * 128 + k) & 0xFF) - 128;
                    int col = blk * 128 + k;
                    float expected = col < in ? w[n * in + col] : 0;
                    assertTrue(v >= -127 && v <= 127);
                    assertEquals(expected, v * sc, sc / 2 + 1e-6, "element " + n + "," + col);
                }
            }
        }
        assertTrue(Int8Weights.eligible(t));
        assertFalse(Int8Weights.eligible(TensorData.ofFloats("narrow", new float[64 * 4], 4, 64)));
    }

    @Test
    void fourBitBlocksDequantizeWithinHalfAStepAndRunInOrtInTheirOrder() throws Exception {
        Random r = new Random(4);
        int out = 9, in = 200, rows = 5;   // 200 inputs: 7 blocks of 32, the last one padded
        float[] w = new float[out * in], x = new float[rows * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        TensorData t = TensorData.ofFloats("lin.weight", w, out, in);
        Int8Weights q = new Int8Weights(() -> Map.of("lin.weight", t), Int8Kernel.MATMUL_NBITS4);
        TensorData nib = q.nibbles(t);
        float[] s = q.nibbleScales(t).toFloats();
        int blocks = 7;
        assertArrayEquals(new long[]{out, blocks, 16}, nib.shape());
        float[] deq = new float[out * in];
        for (int n = 0; n < out; n++)
            for (int k = 0; k < in; k++) {
                int b = k / 32, j = k % 32;
                int packed = nib.bytes().get((n * blocks + b) * 16 + j / 2) & 0xFF;
                int v = (j % 2 == 0 ? packed & 0x0F : packed >> 4) - 8;
                float sc = s[n * blocks + b];
                deq[n * in + k] = v * sc;
                assertTrue(v >= -7 && v <= 7);
                assertEquals(w[n * in + k], deq[n * in + k], sc / 2 + 1e-6, "element " + n + "," + k);
            }
        // ONNX Runtime's MatMulNBits (bits 4) must compute x·Wᵀ with exactly these dequantized weights, up to its
        // int8 activation blocks (accuracy level 4): a swapped nibble order would be off by ~100 %.
        OnnxGraph g = new OnnxGraph("nbits4").int8(q);
        var xv = g.input("x", org.aceforge.engine.tensors.DType.F32, (long) rows, (long) in);
        g.output(g.linear(xv, t, null), "y", org.aceforge.engine.tensors.DType.F32, (long) rows, (long) out);
        float[] y;
        try (var session = new org.aceforge.engine.runtime.NetSession("nbits4", g.toModelBytes(), g.externalWeights())) {
            y = session.run(Map.of("x", TensorData.ofFloats("x", x, rows, in))).get("y").toFloats();
        }
        float[] want = new float[rows * out];
        for (int m = 0; m < rows; m++)
            for (int n = 0; n < out; n++) {
                double acc = 0;
                for (int k = 0; k < in; k++) acc += x[m * in + k] * deq[n * in + k];
                want[m * out + n] = (float) acc;
            }
        double err = Ref.relErr(y, want);
        assertTrue(err < 0.02, "MatMulNBits bits 4 against the dequantized weights: relative error " + err);
    }

    @Test
    void int8DitFollowsFp32Closely() throws Exception {
        ModelPack pack = DemoPackFixture.pack();
        Random r = new Random(2);
        int T = 100, C = 64;
        Tensor3 x = rand(r, 1, T, C), ctx = rand(r, 1, T, 2 * C), enc = rand(r, 1, 20, 128);
        Condition cond = new Condition(enc, ctx);
        float[] fp32, int8;
        try (DitModel d = new DitModel(pack.dit(ModelPack.Variant.TURBO), new GraphCache(cache))) {
            fp32 = d.velocityModel().velocity(x, 0.5, cond).data();
        }
        try (DitModel d = new DitModel(pack.dit(ModelPack.Variant.TURBO), new GraphCache(cache), true)) {
            int8 = d.velocityModel().velocity(x, 0.5, cond).data();
        }
        double err = Ref.relErr(int8, fp32);
        System.out.println("int8 DiT vs fp32 relative error " + err);
        assertTrue(err < 0.03, "int8 vs fp32 relative error " + err);
        assertTrue(err > 0, "the int8 graph must actually differ (quantized layers present)");
    }

    @Test
    void int8LmLogitsFollowFp32AndKeepTheTopToken() throws Exception {
        Qwen3Config c = new Qwen3Config(600, 256, 512, 2, 4, 2, 64, 1e-6, 1_000_000, true);
        Map<String, TensorData> m = new LinkedHashMap<>();
        Random r = new Random(3);
        add(m, r, "model.embed_tokens.weight", 1.0, c.vocabSize(), c.hiddenSize());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            ones(m, p + "input_layernorm.weight", c.hiddenSize());
            ones(m, p + "post_attention_layernorm.weight", c.hiddenSize());
            add(m, r, p + "self_attn.q_proj.weight", 1 / 16.0, 4 * 64, c.hiddenSize());
            add(m, r, p + "self_attn.k_proj.weight", 1 / 16.0, 2 * 64, c.hiddenSize());
            add(m, r, p + "self_attn.v_proj.weight", 1 / 16.0, 2 * 64, c.hiddenSize());
            add(m, r, p + "self_attn.o_proj.weight", 1 / 16.0, c.hiddenSize(), 4 * 64);
            ones(m, p + "self_attn.q_norm.weight", 64);
            ones(m, p + "self_attn.k_norm.weight", 64);
            add(m, r, p + "mlp.gate_proj.weight", 1 / 16.0, 512, c.hiddenSize());
            add(m, r, p + "mlp.up_proj.weight", 1 / 16.0, 512, c.hiddenSize());
            add(m, r, p + "mlp.down_proj.weight", 1 / 22.6, c.hiddenSize(), 512);
        }
        ones(m, "model.norm.weight", c.hiddenSize());
        WeightSource w = () -> m;
        long[] ids = r.longs(30, 0, c.vocabSize()).toArray();
        float[][] a, b;
        try (CausalLm lm = CausalLm.forNetwork(c, w, new GraphCache(cache), false)) { a = lm.logitsAll(ids); }
        try (CausalLm lm = CausalLm.forNetwork(c, w, new GraphCache(cache), true)) { b = lm.logitsAll(ids); }
        int agree = 0;
        double worst = 0;
        for (int p = 0; p < ids.length; p++) {
            double err = Ref.relErr(b[p], a[p]);
            worst = Math.max(worst, err);
            assertTrue(err < 0.04, "position " + p + ": relative error " + err);
            if (argmax(a[p]) == argmax(b[p])) agree++;
        }
        System.out.println("int8 LM vs fp32: worst relative error " + worst + ", top token agrees at " + agree + "/30");
        assertTrue(agree >= 27, "the top token agrees at " + agree + " of 30 positions");
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    static Tensor3 rand(Random r, int b, int t, int c) {
        float[] d = new float[b * t * c];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return new Tensor3(d, b, t, c);
    }

    static void add(Map<String, TensorData> m, Random r, String name, double scale, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        long[] sh = new long[shape.length];
        for (int i = 0; i < shape.length; i++) sh[i] = shape[i];
        m.put(name, TensorData.ofFloats(name, v, sh));
    }

    static void ones(Map<String, TensorData> m, String name, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        m.put(name, TensorData.ofFloats(name, v, n));
    }
}
