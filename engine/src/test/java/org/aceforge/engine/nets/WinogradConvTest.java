package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Winograd F(m, r) against the plain correlation: the transforms in double, and the graph against a plain-Java conv. */
class WinogradConvTest {
    @Test
    void oneTileIsTheCorrelationInDouble() {
        Random rnd = new Random(5);
        for (int m : new int[]{2, 4, 6, 8}) {
            for (int r : new int[]{3, 7}) {
                WinogradConv f = WinogradConv.of(m, r);
                double[] w = rnd.doubles(r, -1, 1).toArray(), d = rnd.doubles(m + r - 1, -1, 1).toArray();
                double[] y = f.tile(w, d);
                for (int j = 0; j < m; j++) {
                    double want = 0;
                    for (int k = 0; k < r; k++) want += w[k] * d[j + k];
                    assertEquals(want, y[j], 1e-7, "F(" + m + ", " + r + ") output " + j);
                }
            }
        }
    }

    /** Batches, dilations of the VAE, lengths shorter than a tile, lengths not a multiple of anything, with and without bias. */
    @Test
    void graphMatchesAPlainConvolution() throws Exception {
        int[][] cases = {{2, 6, 5, 1, 37}, {1, 4, 4, 3, 1}, {1, 8, 3, 9, 5}, {2, 3, 6, 9, 200}, {1, 16, 16, 3, 121}, {1, 5, 5, 1, 6}};
        matchesAPlainConvolution(WinogradConv.of(WinogradConv.TILE, 7), cases, false);
    }

    /**
     * The fused transform operators (engine/src/main/c) on the same cases, other tiles, dilations past a chunk of 64
     * outputs, and a tensor large enough to be split over threads (2^20 values and more).
     */
    @Test
    void fusedTransformsMatchAPlainConvolution() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        int[][] cases = {{2, 6, 5, 1, 37}, {1, 4, 4, 3, 1}, {1, 8, 3, 9, 5}, {2, 3, 6, 9, 200}, {1, 16, 16, 3, 121},
                {1, 5, 5, 1, 6}, {1, 3, 4, 70, 900}, {2, 40, 8, 3, 14_000}};
        matchesAPlainConvolution(WinogradConv.of(WinogradConv.TILE, 7), cases, true);
        matchesAPlainConvolution(WinogradConv.of(4, 7), new int[][]{{1, 6, 5, 1, 53}, {2, 3, 3, 9, 301}}, true);
        matchesAPlainConvolution(WinogradConv.of(2, 7), new int[][]{{1, 6, 5, 3, 53}}, true);
    }

    private static void matchesAPlainConvolution(WinogradConv f, int[][] cases, boolean fused) throws Exception {
        Random rnd = new Random(9);
        for (int[] c : cases) {
            int batch = c[0], cin = c[1], cout = c[2], dil = c[3], t = c[4];
            for (boolean withBias : new boolean[]{true, false}) {
                float[] x = floats(rnd, batch * cin * t), w = floats(rnd, cout * cin * 7), b = floats(rnd, cout);
                OnnxGraph g = new OnnxGraph("winograd");
                V in = g.input("x", DType.F32, "batch", (long) cin, "t");
                V y = f.apply(g, in, g.constant(w, cout, cin, 7), withBias ? g.constant(b, cout) : null, cin, cout, dil, fused);
                g.output(y, "y", DType.F32, "batch", (long) cout, "t");
                float[] got = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, batch, cin, t))).get("y").toFloats();
                double[] want = plainConv(x, w, withBias ? b : null, batch, cin, cout, t, dil);
                assertEquals(want.length, got.length, "output length for " + java.util.Arrays.toString(c));
                double num = 0, den = 0;
                for (int i = 0; i < want.length; i++) {
                    num += (want[i] - got[i]) * (want[i] - got[i]);
                    den += want[i] * want[i];
                }
                assertTrue(Math.sqrt(num / den) < 1e-5, java.util.Arrays.toString(c) + " bias " + withBias + " fused " + fused
                        + ": relative error " + Math.sqrt(num / den));
            }
        }
    }

    /** The Snakes inside the transform operators: snake2(conv(snake1(x))) in double, with either Snake alone too. */
    @Test
    void snakesInsideTheTransformsMatchThePlainComputation() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        Random rnd = new Random(12);
        WinogradConv f = WinogradConv.of(WinogradConv.TILE, 7);
        int[][] cases = {{1, 6, 5, 1, 37}, {2, 3, 4, 9, 200}, {1, 16, 16, 3, 1}, {2, 40, 24, 3, 14_000}};
        for (int[] c : cases) {
            int batch = c[0], cin = c[1], cout = c[2], dil = c[3], t = c[4];
            float[] x = floats(rnd, batch * cin * t), w = floats(rnd, cout * cin * 7), b = floats(rnd, cout);
            for (int i = 0; i < w.length; i++) w[i] *= 0.2f;
            float[] a1 = positive(rnd, cin), ib1 = positive(rnd, cin), a2 = positive(rnd, cout), ib2 = positive(rnd, cout);
            for (int form = 0; form < 3; form++) {
                boolean before = form != 2, after = form != 1;
                OnnxGraph g = new OnnxGraph("winograd-snakes");
                V in = g.input("x", DType.F32, "batch", (long) cin, "t");
                V y = f.applyWithSnakes(g, in, g.constant(w, cout, cin, 7), g.constant(b, cout), cout, dil,
                        before ? new V[]{g.constant(a1, cin), g.constant(ib1, cin)} : null,
                        after ? new V[]{g.constant(a2, 1, cout, 1), g.constant(ib2, 1, cout, 1)} : null);
                g.output(y, "y", DType.F32, "batch", (long) cout, "t");
                float[] got = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, batch, cin, t))).get("y").toFloats();
                float[] activated = before ? snake(x, a1, ib1, cin, t) : x;
                double[] conv = plainConv(activated, w, b, batch, cin, cout, t, dil);
                double num = 0, den = 0;
                for (int i = 0; i < conv.length; i++) {
                    int ch = (i / t) % cout;
                    double want = conv[i];
                    if (after) {
                        double s = Math.sin(a2[ch] * want);
                        want += ib2[ch] * s * s;
                    }
                    num += (want - got[i]) * (want - got[i]);
                    den += want * want;
                }
                assertTrue(Math.sqrt(num / den) < 1e-5, java.util.Arrays.toString(c) + " form " + form + ": relative error " + Math.sqrt(num / den));
            }
        }
    }

    /**
     * The transform operators alone against their definition in double: with WinogradConv's matrices, whose points
     * pair up (p, -p) and take the operators' paired form, and with random matrices, which take the dense form.
     */
    @Test
    void transformOperatorsComputeTheirMatricesPairedOrNot() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        Random rnd = new Random(33);
        for (int taps : new int[]{7, 3}) {
            WinogradConv f = WinogradConv.of(WinogradConv.TILE, taps);
            int alpha = WinogradConv.TILE + taps - 1, m = WinogradConv.TILE, pad = (alpha - m) / 2, ch = 3, t = 100;
            int n = (t + m - 1) / m;
            for (boolean paired : new boolean[]{true, false}) {
                float[] bt = paired ? f.inputMatrix() : floats(rnd, alpha * alpha), at = paired ? f.outputMatrix() : floats(rnd, m * alpha);
                float[] x = floats(rnd, ch * t), bias = floats(rnd, ch);
                OnnxGraph g = new OnnxGraph("transforms");
                V in = g.input("x", DType.F32, 1L, (long) ch, (long) t);
                V v = g.aceforgeOp("WinogradIn", new Attr[]{Attr.i("tile", m), Attr.i("dilation", 1)}, in, g.constant(bt, alpha, alpha));
                V y = g.aceforgeOp("WinogradOut", new Attr[]{Attr.i("dilation", 1)}, v, g.constant(at, m, alpha), g.constant(bias, ch), in);
                g.output(v, "v", DType.F32, (long) alpha, 1L, (long) ch, (long) n);
                g.output(y, "y", DType.F32, 1L, (long) ch, (long) t);
                var out = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, 1, ch, t)));
                float[] gotV = out.get("v").toFloats(), gotY = out.get("y").toFloats();
                double[] wantV = new double[alpha * ch * n];
                for (int a = 0; a < alpha; a++)
                    for (int c = 0; c < ch; c++)
                        for (int j = 0; j < n; j++) {
                            double acc = 0;
                            for (int i = 0; i < alpha; i++) {
                                int at0 = j * m + i - pad;
                                if (at0 >= 0 && at0 < t) acc += bt[a * alpha + i] * (double) x[c * t + at0];
                            }
                            wantV[(a * ch + c) * n + j] = acc;
                        }
                double[] wantY = new double[ch * t];
                for (int c = 0; c < ch; c++)
                    for (int i = 0; i < t; i++) {
                        double acc = bias[c];
                        for (int a = 0; a < alpha; a++) acc += at[(i % m) * alpha + a] * (double) gotV[(a * ch + c) * n + i / m];
                        wantY[c * t + i] = acc;
                    }
                String what = "F(6, " + taps + ") " + (paired ? "paired" : "dense");
                assertTrue(relative(gotV, wantV) < 1e-6, what + " input transform: " + relative(gotV, wantV));
                assertTrue(relative(gotY, wantY) < 1e-6, what + " output transform: " + relative(gotY, wantY));
            }
        }
    }

    private static double relative(float[] got, double[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < want.length; i++) {
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }

    /**
     * A whole VAE residual unit in one operator, x + conv2(snake2(conv1(snake1(x)) + b1)) + b2, against the same in
     * double: channel counts that are and are not multiples of the kernel's six rows, every dilation, lengths shorter
     * than a tile and not a multiple of a block, batches, a tensor split over threads, and units without biases.
     */
    @Test
    void residualUnitMatchesThePlainComputation() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        Random rnd = new Random(21);
        WinogradConv f = WinogradConv.of(WinogradConv.TILE, 7);
        int[][] cases = {{1, 6, 1, 37, 1}, {2, 7, 3, 200, 1}, {1, 16, 9, 1, 0}, {2, 13, 9, 5_000, 1}, {1, 24, 1, 50_000, 1},
                {1, 128, 3, 3_001, 0}, {1, 20, 27, 700, 1}};
        for (int[] c : cases) {
            int batch = c[0], ch = c[1], dil = c[2], t = c[3];
            boolean biases = c[4] == 1;
            float[] x = floats(rnd, batch * ch * t), w1 = floats(rnd, ch * ch * 7), w2 = floats(rnd, ch * ch);
            float[] b1 = biases ? floats(rnd, ch) : new float[ch], b2 = biases ? floats(rnd, ch) : new float[ch];
            for (int i = 0; i < w1.length; i++) w1[i] *= 0.2f;
            for (int i = 0; i < w2.length; i++) w2[i] *= 0.3f;
            float[] a1 = positive(rnd, ch), ib1 = positive(rnd, ch), a2 = positive(rnd, ch), ib2 = positive(rnd, ch);
            OnnxGraph g = new OnnxGraph("residual-unit");
            V in = g.input("x", DType.F32, "batch", (long) ch, "t");
            V y = f.applyResidualUnit(g, in, g.constant(w1, ch, ch, 7), biases ? g.constant(b1, ch) : null, ch, dil,
                    new V[]{g.constant(a1, ch), g.constant(ib1, ch)}, new V[]{g.constant(a2, 1, ch, 1), g.constant(ib2, 1, ch, 1)},
                    g.constant(w2, ch, ch, 1), biases ? g.constant(b2, ch) : null);
            g.output(y, "y", DType.F32, "batch", (long) ch, "t");
            float[] got = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, batch, ch, t))).get("y").toFloats();
            double[] h = plainConv(snake(x, a1, ib1, ch, t), w1, b1, batch, ch, ch, t, dil);
            double num = 0, den = 0;
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < ch; o++)
                    for (int i = 0; i < t; i++) {
                        double want = x[(n * ch + o) * t + i] + b2[o];
                        for (int k = 0; k < ch; k++) {
                            double v = h[(n * ch + k) * t + i], s = Math.sin(a2[k] * v);
                            want += w2[o * ch + k] * (v + ib2[k] * s * s);
                        }
                        double d = want - got[(n * ch + o) * t + i];
                        num += d * d;
                        den += want * want;
                    }
            // Float rounding: the Winograd convolution alone is held to 1e-5; here its output goes through a 1 × 1
            // convolution of up to 128 terms too (measured 1.1e-5 at 128 channels).
            assertTrue(Math.sqrt(num / den) < 3e-5, java.util.Arrays.toString(c) + ": relative error " + Math.sqrt(num / den));
        }
    }

    /**
     * The same on the residual unit's AVX2 blocks where the CPU has AVX-512 (the operator picks its 6 × 32 AVX-512 blocks
     * there; AF_ORTOPS_AVX512=0, read once per process, keeps the 6 × 16 ones): a child JVM runs the test above with it.
     */
    @Test
    void residualUnitMatchesThePlainComputationOnTheAvx2BlocksToo() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path")));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("aceforge."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add(Avx2Blocks.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("AF_ORTOPS_AVX512", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "child finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("residual unit on the AVX2 blocks: ok"), out);
    }

    /** The child of the test above. */
    static final class Avx2Blocks {
        public static void main(String[] args) {
            try {
                new WinogradConvTest().residualUnitMatchesThePlainComputation();
                System.out.println("residual unit on the AVX2 blocks: ok");
                System.exit(0);
            } catch (Throwable e) {
                e.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }

    /**
     * The VAE's upsampling (ConvTranspose1d, kernel 2s, stride s, padding s/2) as interleaved phases of F(6, 3), with
     * and without the Snake before it, against the transposed convolution in double: every stride of the VAE,
     * lengths shorter than a tile, batches, and a tensor split over threads.
     */
    @Test
    void upsamplingMatchesAPlainTransposedConvolution() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        Random rnd = new Random(21);
        WinogradConv f = WinogradConv.of(WinogradConv.TILE, 3);
        int[][] cases = {{1, 4, 3, 2, 1}, {2, 5, 4, 2, 37}, {1, 6, 3, 4, 13}, {2, 3, 5, 6, 7}, {1, 8, 4, 10, 25},
                {1, 16, 8, 4, 121}, {2, 24, 12, 2, 20_000}};
        for (int[] c : cases) {
            int batch = c[0], cin = c[1], cout = c[2], s = c[3], t = c[4];
            float[] x = floats(rnd, batch * cin * t), w = floats(rnd, cin * cout * 2 * s), b = floats(rnd, cout);
            float[] alpha = positive(rnd, cin), invBeta = positive(rnd, cin);
            for (boolean withSnake : new boolean[]{false, true}) {
                OnnxGraph g = new OnnxGraph("upsampling");
                V in = g.input("x", DType.F32, "batch", (long) cin, "t");
                V y = f.applyUpsampling(g, in, g.constant(w, cin, cout, 2L * s), g.constant(b, cout), cin, cout, s,
                        withSnake ? new V[]{g.constant(alpha, cin), g.constant(invBeta, cin)} : null);
                g.output(y, "y", DType.F32, "batch", (long) cout, "samples");
                float[] got = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, batch, cin, t))).get("y").toFloats();
                double[] want = plainTransposedConv(withSnake ? snake(x, alpha, invBeta, cin, t) : x, w, b, batch, cin, cout, t, s);
                assertEquals(want.length, got.length, "output length for " + java.util.Arrays.toString(c));
                double num = 0, den = 0;
                for (int i = 0; i < want.length; i++) {
                    num += (want[i] - got[i]) * (want[i] - got[i]);
                    den += want[i] * want[i];
                }
                assertTrue(Math.sqrt(num / den) < 1e-5, java.util.Arrays.toString(c) + " snake " + withSnake
                        + ": relative error " + Math.sqrt(num / den));
            }
        }
        OnnxGraph g = new OnnxGraph("odd");
        V x = g.input("x", DType.F32, 1L, 2L, "t");
        assertThrows(IllegalArgumentException.class, () -> f.applyUpsampling(g, x, g.constant(new float[24], 2, 2, 6), null, 2, 2, 3, null));
        assertThrows(IllegalArgumentException.class, () -> WinogradConv.of(6, 7).applyUpsampling(g, x, g.constant(new float[16], 2, 2, 4), null, 2, 2, 2, null));
    }

    /** ConvTranspose1d as the VAE has it: y[t] = b + Σ x[i]·w[c, o, t + s/2 − i·s] over taps inside [0, 2s). */
    private static double[] plainTransposedConv(float[] x, float[] w, float[] b, int batch, int cin, int cout, int t, int s) {
        int length = t * s, k = 2 * s, pad = s / 2;
        double[] y = new double[batch * cout * length];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < cout; o++)
                for (int u = 0; u < length; u++) {
                    double sum = b[o];
                    for (int i = Math.max(0, (u + pad) / s - 2); i <= Math.min(t - 1, (u + pad) / s); i++) {
                        int tap = u + pad - i * s;
                        if (tap < 0 || tap >= k) continue;
                        for (int c = 0; c < cin; c++) sum += (double) x[(n * cin + c) * t + i] * w[(c * cout + o) * k + tap];
                    }
                    y[(n * cout + o) * length + u] = sum;
                }
        return y;
    }

    private static float[] positive(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) Math.exp(0.5 * rnd.nextGaussian());
        return a;
    }

    private static float[] snake(float[] x, float[] alpha, float[] invBeta, int channels, int t) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / t) % channels;
            double s = Math.sin(alpha[ch] * x[i]);
            y[i] = (float) (x[i] + invBeta[ch] * s * s);
        }
        return y;
    }

    /** Malformed calls of the fused transform operators are errors naming what is wrong, never crashes. */
    @Test
    void fusedTransformsRefuseMalformedCalls() {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        long[] signal = {1, 2, 30}, products = {12, 1, 2, 5}, fewProducts = {12, 1, 2, 4};
        Attr[] in = {Attr.i("tile", 6), Attr.i("dilation", 1)}, out = {Attr.i("dilation", 1)};
        assertRefused("bt must be [a, a]", signal, 4, (g, x) -> g.aceforgeOp("WinogradIn", in, x, g.constant(new float[25], 5, 5)));
        assertRefused("needs an int attribute 'tile'", signal, 4, (g, x) -> g.aceforgeOp("WinogradIn",
                new Attr[]{Attr.i("dilation", 1)}, x, g.constant(new float[144], 12, 12)));
        assertRefused("tile must be 1..16", signal, 4, (g, x) -> g.aceforgeOp("WinogradIn",
                new Attr[]{Attr.i("tile", 0), Attr.i("dilation", 1)}, x, g.constant(new float[144], 12, 12)));
        assertRefused("at must be [m, a]", products, 3, (g, p) -> g.aceforgeOp("WinogradOut", out, p,
                g.constant(new float[66], 6, 11), g.constant(new float[2], 2), g.constant(new float[60], 1, 2, 30)));
        assertRefused("too few tiles", fewProducts, 3, (g, p) -> g.aceforgeOp("WinogradOut", out, p,
                g.constant(new float[72], 6, 12), g.constant(new float[2], 2), g.constant(new float[60], 1, 2, 30)));
        assertRefused("one value per channel", products, 3, (g, p) -> g.aceforgeOp("WinogradOut", out, p,
                g.constant(new float[72], 6, 12), g.constant(new float[3], 3), g.constant(new float[60], 1, 2, 30)));
        Attr[] phased = {Attr.i("dilation", 1), Attr.i("phases", 3)};
        assertRefused("multiple of phases", products, 3, (g, p) -> g.aceforgeOp("WinogradOut", phased, p,
                g.constant(new float[72], 6, 12), g.constant(new float[2], 2), g.constant(new float[60], 1, 2, 30)));
        assertRefused("dilation 1 when above 1", products, 3, (g, p) -> g.aceforgeOp("WinogradOut",
                new Attr[]{Attr.i("dilation", 3), Attr.i("phases", 2)}, p,
                g.constant(new float[72], 6, 12), g.constant(new float[1], 1), g.constant(new float[60], 1, 2, 30)));
        assertRefused("phases must be 1..64", products, 3, (g, p) -> g.aceforgeOp("WinogradOut",
                new Attr[]{Attr.i("dilation", 1), Attr.i("phases", 0)}, p,
                g.constant(new float[72], 6, 12), g.constant(new float[2], 2), g.constant(new float[60], 1, 2, 30)));
        assertRefused("bias must hold one value per channel", products, 3, (g, p) -> g.aceforgeOp("WinogradOut",
                new Attr[]{Attr.i("dilation", 1), Attr.i("phases", 2)}, p,
                g.constant(new float[72], 6, 12), g.constant(new float[2], 2), g.constant(new float[60], 1, 2, 30)));
        assertRefused("SnakeWinogradIn: alpha and inv_beta must hold one value per channel", signal, 4, (g, x) -> g.aceforgeOp(
                "SnakeWinogradIn", in, x, g.constant(new float[144], 12, 12), g.constant(new float[3], 3), g.constant(new float[2], 2)));
        float[] perChannel = new float[2];
        java.util.function.BiFunction<OnnxGraph, float[][], V[]> unitInputs = (g, sizes) -> {
            V[] v = new V[10];
            for (int i = 0; i < 10; i++) v[i] = g.constant(sizes[i], sizes[i].length);
            return v;
        };
        float[][] good = {new float[144], perChannel, perChannel, new float[48], new float[72], perChannel, perChannel,
                perChannel, new float[4], perChannel};
        for (int bad = 0; bad < 10; bad++) {
            float[][] sizes = good.clone();
            sizes[bad] = new float[bad == 3 ? 47 : bad == 8 ? 3 : bad == 0 ? 143 : bad == 4 ? 71 : 3];
            String message = switch (bad) {
                case 0 -> "bt must be [a, a]";
                case 3 -> "u must be [a, 1, channels, channels]";
                case 4 -> "at must be [tile, a]";
                case 8 -> "w2 must be [channels, channels, 1]";
                default -> "the Snakes' parameters and the biases must hold one value per channel";
            };
            int which = bad;
            assertRefused("ResidualUnit: " + message, signal, 3, (g, x) -> {
                V[] v = unitInputs.apply(g, sizes);
                if (which == 0) v[0] = g.constant(sizes[0], 11, 13);
                else v[0] = g.constant(sizes[0], 12, 12);
                if (which != 4) v[4] = g.constant(sizes[4], 6, 12);
                return g.aceforgeOp("ResidualUnit", in, x, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
            });
        }
        assertRefused("WinogradOutSnake: alpha and inv_beta must hold one value per channel", products, 3, (g, p) -> g.aceforgeOp(
                "WinogradOutSnake", out, p, g.constant(new float[72], 6, 12), g.constant(new float[2], 2),
                g.constant(new float[60], 1, 2, 30), g.constant(new float[2], 2), g.constant(new float[1], 1)));
    }

    private static void assertRefused(String message, long[] shape, int outRank,
                                      java.util.function.BiFunction<OnnxGraph, V, V> build) {
        OnnxGraph g = new OnnxGraph("malformed");
        Object[] dims = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) dims[i] = shape[i];
        V y = build.apply(g, g.input("x", DType.F32, dims));
        Object[] outDims = new Object[outRank];
        for (int i = 0; i < outRank; i++) outDims[i] = "d" + i;
        g.output(y, "y", DType.F32, outDims);
        int n = 1;
        for (long d : shape) n *= (int) d;
        TensorData x = TensorData.ofFloats("x", new float[n], shape);
        Exception e = assertThrows(Exception.class, () -> GraphRunner.run(g, Map.of("x", x)));
        assertTrue(String.valueOf(e.getMessage()).contains(message), e.getMessage());
    }

    @Test
    void refusesWhatItCannotCompute() {
        assertThrows(IllegalArgumentException.class, () -> WinogradConv.of(0, 7));
        assertThrows(IllegalArgumentException.class, () -> WinogradConv.of(12, 7));
        OnnxGraph g = new OnnxGraph("even");
        V x = g.input("x", DType.F32, 1L, 2L, "t");
        assertThrows(IllegalArgumentException.class,
                () -> WinogradConv.of(4, 4).apply(g, x, g.constant(new float[16], 2, 2, 4), null, 2, 2, 1));
    }

    @Test
    void cpuSessionsGetWinogradAndGpuSessionsTheDirectForm() {
        assertEquals(FusedSnakeTest.fusedExpectedHere() ? ConvForm.WINOGRAD_FUSED : ConvForm.WINOGRAD,
                ConvForm.forDevice(OrtRuntime.Device.CPU));
        assertEquals(ConvForm.DIRECT, ConvForm.forDevice(OrtRuntime.Device.CUDA));
        assertEquals("-fused-winograd", new VaeForm(SnakeForm.FUSED, ConvForm.WINOGRAD).graphSuffix());
        assertEquals("-fused-winograd-fused", new VaeForm(SnakeForm.FUSED, ConvForm.WINOGRAD_FUSED).graphSuffix());
        assertEquals("", VaeForm.STANDARD.graphSuffix());
    }

    private static float[] floats(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static double[] plainConv(float[] x, float[] w, float[] b, int batch, int cin, int cout, int t, int dil) {
        double[] y = new double[batch * cout * t];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < t; i++) {
                    double s = b == null ? 0 : b[o];
                    for (int c = 0; c < cin; c++)
                        for (int k = 0; k < 7; k++) {
                            int at = i + (k - 3) * dil;
                            if (at >= 0 && at < t) s += (double) w[(o * cin + c) * 7 + k] * x[(n * cin + c) * t + at];
                        }
                    y[(n * cout + o) * t + i] = s;
                }
        return y;
    }
}
