package org.aceforge.engine.graph;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operator's gradient, as {@link Gradients} builds it and ONNX Runtime runs it in float32, against central
 * finite differences of a plain-Java float64 reference ({@link Nd}) of the same function, on random inputs. The loss is
 * Σ y ⊙ R for a random R, so each check covers the whole vector-Jacobian product, broadcasting included.
 */
class GradientsTest {
    static final double H = 1e-6, TOLERANCE = 2e-4;

    /** One check: the inputs' shapes (and whether each is differentiated), the graph, and the same function in float64. */
    record Case(String name, int[][] shapes, boolean[] diff, BiFunction<OnnxGraph, V[], V> graph, Function<Nd[], Nd> ref,
                double offset) {
        Case(String name, int[][] shapes, BiFunction<OnnxGraph, V[], V> graph, Function<Nd[], Nd> ref) {
            this(name, shapes, all(shapes.length), graph, ref, 0);
        }

        Case positive() {
            return new Case(name, shapes, diff, graph, ref, 1.5);
        }

        Case only(boolean... which) {
            return new Case(name, shapes, which, graph, ref, offset);
        }

        static boolean[] all(int n) {
            boolean[] b = new boolean[n];
            java.util.Arrays.fill(b, true);
            return b;
        }
    }

    static int[] sh(int... s) { return s; }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Add broadcast", new int[][]{sh(2, 3, 4), sh(4)}, (g, x) -> g.add(x[0], x[1]), x -> Nd.binary(x[0], x[1], Double::sum)));
        c.add(new Case("Add column", new int[][]{sh(3, 1), sh(2, 3, 4)}, (g, x) -> g.add(x[0], x[1]), x -> Nd.binary(x[0], x[1], Double::sum)));
        c.add(new Case("Sub", new int[][]{sh(2, 1, 4), sh(3, 4)}, (g, x) -> g.sub(x[0], x[1]), x -> Nd.binary(x[0], x[1], (a, b) -> a - b)));
        c.add(new Case("Mul", new int[][]{sh(2, 1, 4), sh(3, 4)}, (g, x) -> g.mul(x[0], x[1]), x -> Nd.binary(x[0], x[1], (a, b) -> a * b)));
        c.add(new Case("Div", new int[][]{sh(2, 3), sh(3)}, (g, x) -> g.div(x[0], x[1]), x -> Nd.binary(x[0], x[1], (a, b) -> a / b)).positive());
        c.add(new Case("Neg", new int[][]{sh(5)}, (g, x) -> g.neg(x[0]), x -> x[0].map(v -> -v)));
        c.add(new Case("Exp", new int[][]{sh(2, 3)}, (g, x) -> g.exp(x[0]), x -> x[0].map(Math::exp)));
        c.add(new Case("Sigmoid", new int[][]{sh(2, 3)}, (g, x) -> g.sigmoid(x[0]), x -> x[0].map(v -> 1 / (1 + Math.exp(-v)))));
        c.add(new Case("SiLU", new int[][]{sh(2, 3)}, (g, x) -> g.silu(x[0]), x -> x[0].map(v -> v / (1 + Math.exp(-v)))));
        c.add(new Case("Tanh", new int[][]{sh(2, 3)}, (g, x) -> g.tanh(x[0]), x -> x[0].map(Math::tanh)));
        c.add(new Case("Sin", new int[][]{sh(4)}, (g, x) -> g.sin(x[0]), x -> x[0].map(Math::sin)));
        c.add(new Case("Cos", new int[][]{sh(4)}, (g, x) -> g.cos(x[0]), x -> x[0].map(Math::cos)));
        c.add(new Case("Sqrt", new int[][]{sh(4)}, (g, x) -> g.op("Sqrt", x[0]), x -> x[0].map(Math::sqrt)).positive());
        c.add(new Case("Reciprocal", new int[][]{sh(4)}, (g, x) -> g.op("Reciprocal", x[0]), x -> x[0].map(v -> 1 / v)).positive());
        c.add(new Case("Abs", new int[][]{sh(4)}, (g, x) -> g.op("Abs", x[0]), x -> x[0].map(Math::abs)).positive());
        c.add(new Case("Pow", new int[][]{sh(4)}, (g, x) -> g.op("Pow", x[0], g.scalar(2.5)), x -> x[0].map(v -> Math.pow(v, 2.5))).positive());
        c.add(new Case("MatMul", new int[][]{sh(2, 3, 4), sh(4, 5)}, (g, x) -> g.op("MatMul", x[0], x[1]), x -> Nd.matmul(x[0], x[1])));
        c.add(new Case("MatMul batched", new int[][]{sh(2, 3, 4), sh(2, 4, 5)}, (g, x) -> g.op("MatMul", x[0], x[1]), x -> Nd.matmul(x[0], x[1])));
        c.add(new Case("MatMul broadcast left", new int[][]{sh(3, 4), sh(2, 4, 5)}, (g, x) -> g.op("MatMul", x[0], x[1]), x -> Nd.matmul(x[0], x[1])));
        for (int ta = 0; ta < 2; ta++) for (int tb = 0; tb < 2; tb++) {
            int a = ta, b = tb;
            c.add(new Case("Gemm transA " + a + " transB " + b, new int[][]{a == 1 ? sh(4, 3) : sh(3, 4), b == 1 ? sh(5, 4) : sh(4, 5), sh(5)},
                    (g, x) -> g.op("Gemm", new Attr[]{Attr.i("transA", a), Attr.i("transB", b), Attr.f("alpha", 0.7), Attr.f("beta", 1.3)}, x[0], x[1], x[2]),
                    x -> Nd.binary(Nd.matmul(a == 1 ? x[0].transpose(1, 0) : x[0], b == 1 ? x[1].transpose(1, 0) : x[1]).map(v -> 0.7 * v),
                            x[2].map(v -> 1.3 * v), Double::sum)));
        }
        c.add(new Case("Transpose", new int[][]{sh(2, 3, 4)}, (g, x) -> g.transpose(x[0], 1, 2, 0), x -> x[0].transpose(1, 2, 0)));
        c.add(new Case("Reshape", new int[][]{sh(2, 3, 4)}, (g, x) -> g.reshape(x[0], 6, -1), x -> x[0].reshape(6, 4)));
        c.add(new Case("Unsqueeze", new int[][]{sh(2, 3)}, (g, x) -> g.unsqueeze(x[0], 1), x -> x[0].reshape(2, 1, 3)));
        c.add(new Case("Expand", new int[][]{sh(3, 1)}, (g, x) -> g.op("Expand", x[0], g.longs(2, 3, 4)),
                x -> Nd.binary(x[0], new Nd(new double[24], sh(2, 3, 4)), Double::sum)));
        c.add(new Case("Concat", new int[][]{sh(2, 3), sh(2, 2)}, (g, x) -> g.concat(1, x[0], x[1]), x -> Nd.concat(1, x[0], x[1])));
        c.add(new Case("Concat last", new int[][]{sh(2, 1, 3), sh(2, 1, 2)}, (g, x) -> g.concat(-1, x[0], x[1]), x -> Nd.concat(-1, x[0], x[1])));
        c.add(new Case("Split", new int[][]{sh(2, 5)}, (g, x) -> { V[] p = g.split(x[0], 1, 2, 3); return g.concat(1, p[1], p[0]); },
                x -> Nd.concat(1, x[0].slice(1, 2, 5), x[0].slice(1, 0, 2))));
        c.add(new Case("Split one part used", new int[][]{sh(2, 5)}, (g, x) -> g.split(x[0], 1, 2, 3)[1], x -> x[0].slice(1, 2, 5)));
        c.add(new Case("Slice", new int[][]{sh(2, 6)}, (g, x) -> g.slice(x[0], 1, 1, -1), x -> x[0].slice(1, 1, 5)));
        c.add(new Case("Slice from the end", new int[][]{sh(3, 4)}, (g, x) -> g.slice(x[0], 0, -2, Long.MAX_VALUE), x -> x[0].slice(0, 1, 3)));
        c.add(new Case("Softmax", new int[][]{sh(2, 5)}, (g, x) -> g.op("Softmax", new Attr[]{Attr.i("axis", -1)}, x[0]), x -> x[0].softmax(-1)));
        c.add(new Case("ReduceSum", new int[][]{sh(2, 3, 4)}, (g, x) -> g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, x[0], g.longs(1)),
                x -> x[0].reduce(new int[]{1}, false, false)));
        c.add(new Case("ReduceMean", new int[][]{sh(2, 3, 4)}, (g, x) -> g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 1)}, x[0], g.longs(-1)),
                x -> x[0].reduce(new int[]{-1}, true, true)));
        c.add(new Case("ReduceMean all", new int[][]{sh(2, 3)}, (g, x) -> g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 0)}, x[0]),
                x -> x[0].reduce(null, false, true)));
        c.add(new Case("Where", new int[][]{sh(2, 3), sh(3)}, (g, x) -> g.op("Where", g.op("Greater", x[0], g.scalar(0)), x[0], x[1]),
                x -> Nd.where(x[0].map(v -> v > 0 ? 1 : 0), x[0], x[1])));
        c.add(new Case("RMSNormalization", new int[][]{sh(2, 3, 8), sh(8)}, (g, x) -> g.rmsNorm(x[0], x[1], 1e-6), x -> x[0].rmsNorm(x[1], 1e-6)));
        c.add(new Case("Pad", new int[][]{sh(2, 3)}, (g, x) -> g.op("Pad", x[0], g.longs(0, 1, 1, 2)), x -> x[0].pad(0, 1, 1, 2)));
        Attr[] gqa = {Attr.i("q_num_heads", 4), Attr.i("kv_num_heads", 2), Attr.f("scale", 0.5), Attr.i("is_causal", 0)};
        c.add(new Case("Attention GQA", new int[][]{sh(2, 3, 12), sh(2, 4, 6), sh(2, 4, 4)}, (g, x) -> g.op("Attention", gqa, x[0], x[1], x[2]),
                x -> Nd.attention(x[0], x[1], x[2], null, 4, 2, 0.5)));
        // Self-attention with a sliding-window mask |i − j| ≤ 1, made in the graph as the DiT makes it.
        double[] band = new double[25];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) band[i * 5 + j] = Math.abs(i - j) <= 1 ? 1 : 0;
        Nd allowed = Nd.of(sh(5, 5), band);
        c.add(new Case("Attention masked", new int[][]{sh(1, 5, 6), sh(1, 5, 3), sh(1, 5, 3)}, (g, x) -> {
            V idx = g.op("Range", g.longScalar(0), g.longScalar(5), g.longScalar(1));
            V mask = g.op("LessOrEqual", g.op("Abs", g.sub(g.unsqueeze(idx, 1), g.unsqueeze(idx, 0))), g.longScalar(1));
            return g.op("Attention", new Attr[]{Attr.i("q_num_heads", 2), Attr.i("kv_num_heads", 1), Attr.f("scale", 0.7), Attr.i("is_causal", 0)},
                    x[0], x[1], x[2], mask);
        }, x -> Nd.attention(x[0], x[1], x[2], allowed, 2, 1, 0.7)));
        // RoPE as the networks build it (nets.Transformer): 2 heads of 4 features, positions 0..S−1, θ = 0.5 and 0.05.
        c.add(new Case("RotaryEmbedding", new int[][]{sh(2, 3, 8)}, (g, x) -> {
            V range = g.op("Range", g.longScalar(0), g.squeeze(g.dim(x[0], 1), 0), g.longScalar(1));
            V freqs = g.matMul(g.unsqueeze(g.cast(range, org.aceforge.engine.tensors.DType.F32), 1), g.constant(new float[]{0.5f, 0.05f}, 1, 2));
            V positions = g.op("Expand", g.unsqueeze(range, 0), g.concat(0, g.dim(x[0], 0), g.dim(x[0], 1)));
            return g.op("RotaryEmbedding", new Attr[]{Attr.i("num_heads", 2), Attr.i("interleaved", 0)}, x[0], g.cos(freqs), g.sin(freqs), positions);
        }, x -> {
            double[] in = x[0].d(), out = new double[in.length];
            for (int b = 0; b < 2; b++) for (int t = 0; t < 3; t++) for (int h = 0; h < 2; h++) for (int j = 0; j < 2; j++) {
                int at = ((b * 3 + t) * 2 + h) * 4 + j;
                double angle = t * (j == 0 ? 0.5f : 0.05f), cos = Math.cos(angle), sin = Math.sin(angle);
                out[at] = in[at] * cos - in[at + 2] * sin;
                out[at + 2] = in[at + 2] * cos + in[at] * sin;
            }
            return Nd.of(sh(2, 3, 8), out);
        }));
        // The LoRA branch as OnnxGraph.linear builds it: y = x·Wᵀ (Gemm) + s·(x·Aᵀ)·Bᵀ, gradients for A and B only.
        c.add(new Case("LoRA linear", new int[][]{sh(2, 3, 6), sh(5, 6), sh(2, 6), sh(5, 2)}, (g, x) -> {
            V flat = g.reshape(x[0], -1, 6);
            V base = g.reshape(g.op("Gemm", new Attr[]{Attr.i("transB", 1)}, flat, x[1]), 2, 3, 5);
            V low = g.op("MatMul", g.op("MatMul", x[0], g.transpose(x[2], 1, 0)), g.transpose(x[3], 1, 0));
            return g.add(base, g.mul(low, g.scalar(0.5)));
        }, x -> Nd.binary(Nd.matmul(x[0], x[1].transpose(1, 0)),
                Nd.matmul(Nd.matmul(x[0], x[2].transpose(1, 0)), x[3].transpose(1, 0)).map(v -> 0.5 * v), Double::sum))
                .only(false, false, true, true));
        return c;
    }

    @Test
    void everyOperatorMatchesFiniteDifferences() throws Exception {
        Random rnd = new Random(20261201);
        List<String> failures = new ArrayList<>();
        // Once with every size fixed (the builder then decides broadcasting before run time, graph.StaticShapes) and
        // once with every size but the last (the channels, as in the networks) symbolic, each input's its own: then the
        // graph decides it at run time.
        for (boolean symbolic : new boolean[]{false, true})
        for (Case c : cases()) {
            Nd[] x = new Nd[c.shapes().length];
            for (int i = 0; i < x.length; i++) {
                double[] d = new double[Nd.count(c.shapes()[i])];
                // Float-exact inputs, so float32 and float64 see the same numbers; "positive" keeps them away from 0.
                for (int k = 0; k < d.length; k++) {
                    double v = rnd.nextGaussian();
                    d[k] = (float) (c.offset() > 0 ? c.offset() + Math.abs(v) : v);
                }
                x[i] = Nd.of(c.shapes()[i], d);
            }
            Nd y = c.ref().apply(x);
            double[] r = new double[y.size()];
            for (int k = 0; k < r.length; k++) r[k] = (float) rnd.nextGaussian();
            Nd weights = Nd.of(y.s(), r);
            float[][] grads;
            try {
                grads = gradients(c, x, weights, symbolic);
                // The forward pass too: the reference must be the function ONNX Runtime computes, or the check proves nothing.
                double fwd = 0, fnorm = 0;
                float[] yo = grads[grads.length - 1];
                for (int k = 0; k < yo.length; k++) { fwd += (yo[k] - y.d()[k]) * (yo[k] - y.d()[k]); fnorm += y.d()[k] * y.d()[k]; }
                if (!(Math.sqrt(fwd / Math.max(fnorm, 1e-12)) < 1e-5)) failures.add(c.name() + sizes(symbolic) + ": the forward pass differs from the reference");
            } catch (Exception | Error e) {
                failures.add(c.name() + sizes(symbolic) + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            for (int i = 0, gi = 0; i < x.length; i++) {
                if (!c.diff()[i]) continue;
                double[] fd = finiteDifferences(c, x, weights, i);
                double err = 0, norm = 0;
                for (int k = 0; k < fd.length; k++) {
                    err += (grads[gi][k] - fd[k]) * (grads[gi][k] - fd[k]);
                    norm += fd[k] * fd[k];
                }
                double rel = Math.sqrt(err / Math.max(norm, 1e-12));
                if (!(rel < TOLERANCE)) failures.add(c.name() + sizes(symbolic) + " input " + i + ": relative error " + rel);
                gi++;
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The gradients of Σ y ⊙ R for the differentiated inputs, from one ONNX Runtime run of forward and backward. */
    private static String sizes(boolean symbolic) {
        return symbolic ? " (symbolic sizes)" : "";
    }

    static float[][] gradients(Case c, Nd[] x, Nd weights, boolean symbolic) throws Exception {
        OnnxGraph g = new OnnxGraph("grad-" + c.name().replace(' ', '-'));
        V[] in = new V[x.length];
        Map<String, TensorData> feeds = new HashMap<>();
        for (int i = 0; i < x.length; i++) {
            Object[] dims = new Object[x[i].rank()];
            long[] shape = new long[x[i].rank()];
            for (int k = 0; k < dims.length; k++) { dims[k] = symbolic && k < dims.length - 1 ? "n" + i + "_" + k : (Object) (long) x[i].s()[k]; shape[k] = x[i].s()[k]; }
            in[i] = g.input("x" + i, DType.F32, dims);
            float[] f = new float[x[i].size()];
            for (int k = 0; k < f.length; k++) f[k] = (float) x[i].d()[k];
            feeds.put("x" + i, TensorData.ofFloats("x" + i, f, shape));
        }
        V y = c.graph().apply(g, in);
        float[] r = new float[weights.size()];
        for (int k = 0; k < r.length; k++) r[k] = (float) weights.d()[k];
        long[] ys = new long[weights.rank()];
        for (int k = 0; k < ys.length; k++) ys[k] = weights.s()[k];
        V loss = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, g.mul(y, g.constant(r, ys)));
        List<V> wrt = new ArrayList<>();
        for (int i = 0; i < x.length; i++) if (c.diff()[i]) wrt.add(in[i]);
        List<V> grads = Gradients.list(g, loss, wrt);
        for (int i = 0; i < grads.size(); i++) g.output(grads.get(i), "g" + i, DType.F32);
        g.output(loss, "loss", DType.F32);
        g.output(y, "y", DType.F32);
        try (NetSession s = new NetSession("grad", g.toModelBytes(), g.externalWeights())) {
            Map<String, TensorData> out = s.run(feeds);
            float[][] res = new float[grads.size() + 1][];
            for (int i = 0; i < grads.size(); i++) res[i] = out.get("g" + i).toFloats();
            res[grads.size()] = out.get("y").toFloats();   // last: the forward output
            return res;
        }
    }

    static double[] finiteDifferences(Case c, Nd[] x, Nd weights, int which) {
        double[] out = new double[x[which].size()];
        for (int k = 0; k < out.length; k++) {
            double keep = x[which].d()[k];
            x[which].d()[k] = keep + H;
            double up = c.ref().apply(x).dot(weights);
            x[which].d()[k] = keep - H;
            double down = c.ref().apply(x).dot(weights);
            x[which].d()[k] = keep;
            out[k] = (up - down) / (2 * H);
        }
        return out;
    }

    @Test
    void anOperatorWithoutARuleIsNamed() {
        OnnxGraph g = new OnnxGraph("no-rule");
        V x = g.input("x", DType.F32, 4L);
        V y = g.op("Erf", x);
        V loss = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, y);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Gradients.of(g, loss, List.of(x)));
        assertTrue(e.getMessage().startsWith("no gradient for Erf"), e.getMessage());
        OnnxGraph h = new OnnxGraph("unrelated");
        V a = h.input("a", DType.F32, 4L), b = h.input("b", DType.F32, 4L);
        assertThrows(IllegalArgumentException.class, () -> Gradients.of(h, h.neg(a), List.of(b)));
    }
}
