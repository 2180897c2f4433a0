package org.aceforge.engine.nets;

import ai.onnxruntime.OrtException;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AceForge's fused transformer operators (RmsNorm, RmsNormRope, AdaRmsNorm, GatedAdd, SwiGlu, SiluMul in
 * engine/src/main/c) against their formulas in double precision, at sizes the kernels treat differently (one thread
 * and several, widths that do not fill a vector, batches with their own or shared modulation); malformed calls are
 * errors naming the operator, never crashes; GPU sessions and training never get them.
 */
class FusedLayerOpsTest {
    private final Random rng = new Random(11);

    @Test
    void formPerDevice() {
        assertEquals(FusedSnakeTest.fusedExpectedHere() ? LayerForm.FUSED : LayerForm.STANDARD, LayerForm.forDevice(OrtRuntime.Device.CPU));
        assertEquals(LayerForm.STANDARD, LayerForm.forDevice(OrtRuntime.Device.CUDA));
        assertTrue(LayerForm.FUSED.graph("g").fusedLayers());
        assertEquals("", LayerForm.STANDARD.graphSuffix());
    }

    /** [rows, width] in groups of `group`: the layer norm (group = width) and the per-head norm (group = head size). */
    @Test
    void rmsNormMatchesTheFormula() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        int[][] cases = {{1, 3, 3}, {7, 40, 8}, {125, 2048, 2048}, {125, 2048, 128}, {600, 2048, 128}};   // the last: threads
        for (int[] c : cases) {
            int rows = c[0], width = c[1], group = c[2];
            float[] x = gaussian(rows * width, 3), w = gaussian(group, 1);
            float[] y = run("RmsNorm", new long[]{1, rows, width}, in("x", x, 1, rows, width), in("w", w, group), in("eps", new float[]{1e-6f}, 1));
            double[] want = new double[x.length];
            for (int r = 0; r < rows; r++)
                for (int g = 0; g < width; g += group) {
                    double ss = 0;
                    for (int i = 0; i < group; i++) ss += (double) x[r * width + g + i] * x[r * width + g + i];
                    double inv = 1 / Math.sqrt(ss / group + 1e-6);
                    for (int i = 0; i < group; i++) want[r * width + g + i] = x[r * width + g + i] * inv * w[i];
                }
            assertClose("RmsNorm " + rows + "x" + width + "/" + group, y, want, 2e-6);
        }
    }

    /** Norm per head, then the rotate-half RoPE of each row's position (cos/sin tables may be longer than S). */
    @Test
    void rmsNormRopeMatchesTheFormula() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        int[][] cases = {{2, 5, 3, 8, 7}, {1, 125, 16, 128, 125}, {1, 700, 16, 128, 700}};   // batch, S, heads, D, table rows
        for (int[] c : cases) {
            int b = c[0], s = c[1], heads = c[2], d = c[3], tableRows = c[4], half = d / 2, width = heads * d;
            float[] x = gaussian(b * s * width, 2), w = gaussian(d, 1), cos = new float[tableRows * half], sin = new float[tableRows * half];
            for (int p = 0; p < tableRows; p++)
                for (int i = 0; i < half; i++) {
                    double angle = p * Math.pow(1e6, -2.0 * i / d);
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                }
            float[] y = run("RmsNormRope", new long[]{b, s, width}, in("x", x, b, s, width), in("w", w, d), in("eps", new float[]{1e-6f}, 1),
                    in("cos", cos, tableRows, half), in("sin", sin, tableRows, half));
            double[] want = new double[x.length];
            for (int row = 0; row < b * s; row++)
                for (int h = 0; h < heads; h++) {
                    int o = row * width + h * d, pos = row % s;
                    double ss = 0;
                    for (int i = 0; i < d; i++) ss += (double) x[o + i] * x[o + i];
                    double inv = 1 / Math.sqrt(ss / d + 1e-6);
                    for (int i = 0; i < half; i++) {
                        double lo = x[o + i] * inv * w[i], hi = x[o + half + i] * inv * w[half + i];
                        double cs = cos[pos * half + i], sn = sin[pos * half + i];
                        want[o + i] = lo * cs - hi * sn;
                        want[o + half + i] = hi * cs + lo * sn;
                    }
                }
            assertClose("RmsNormRope " + b + "x" + s + "x" + heads + "x" + d, y, want, 2e-6);
        }
    }

    /** AdaLN with modulation per batch item ([B, 1, H]) and shared ([H]). */
    @Test
    void adaRmsNormAndGatedAddMatchTheirFormulas() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        int[][] cases = {{2, 3, 24, 2}, {1, 125, 2048, 1}, {3, 9, 36, 1}, {2, 300, 2048, 2}};   // batch, S, H, modulation rows
        for (int[] c : cases) {
            int b = c[0], s = c[1], h = c[2], modRows = c[3];
            float[] x = gaussian(b * s * h, 2), w = gaussian(h, 1), shift = gaussian(modRows * h, 1), scale = gaussian(modRows * h, 0.5f),
                    v = gaussian(b * s * h, 1);
            long[] mod = modRows == 1 && c[0] > 1 ? new long[]{h} : new long[]{modRows, 1, h};
            float[] y = run("AdaRmsNorm", new long[]{b, s, h}, in("x", x, b, s, h), in("w", w, h), in("eps", new float[]{1e-6f}, 1),
                    in("shift", shift, mod), in("scale", scale, mod));
            float[] z = run("GatedAdd", new long[]{b, s, h}, in("x", x, b, s, h), in("gate", scale, mod), in("y", v, b, s, h));
            double[] want = new double[x.length], wantZ = new double[x.length];
            for (int row = 0; row < b * s; row++) {
                int m = modRows == 1 ? 0 : row / s;
                double ss = 0;
                for (int i = 0; i < h; i++) ss += (double) x[row * h + i] * x[row * h + i];
                double inv = 1 / Math.sqrt(ss / h + 1e-6);
                for (int i = 0; i < h; i++) {
                    int k = row * h + i;
                    want[k] = x[k] * inv * w[i] * (1 + scale[m * h + i]) + shift[m * h + i];
                    wantZ[k] = x[k] + (double) scale[m * h + i] * v[k];
                }
            }
            assertClose("AdaRmsNorm " + b + "x" + s + "x" + h + "/" + modRows, y, want, 3e-6);
            assertClose("GatedAdd " + b + "x" + s + "x" + h + "/" + modRows, z, wantZ, 1e-6);
        }
    }

    /** silu(g)·u over the whole range (the exponential saturates past ±87), joined and as two inputs. */
    @Test
    void swiGluAndSiluMulMatchTheFormula() throws Exception {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        int[][] cases = {{1, 5}, {3, 37}, {125, 6144}, {300, 6144}};   // rows, I (the last: threads)
        for (int[] c : cases) {
            int rows = c[0], width = c[1];
            float[] gu = gaussian(rows * 2 * width, 4);
            for (int i = 0; i < gu.length; i += 53) gu[i] = (float) (rng.nextGaussian() * 200);   // far out, both signs
            float[] g = new float[rows * width], u = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(gu, r * 2 * width, g, r * width, width);
                System.arraycopy(gu, r * 2 * width + width, u, r * width, width);
            }
            double[] want = new double[rows * width];
            for (int i = 0; i < want.length; i++) want[i] = g[i] / (1 + Math.exp(-(double) g[i])) * u[i];
            float[] joined = run("SwiGlu", new long[]{1, rows, width}, in("gu", gu, 1, rows, 2 * width));
            float[] two = run("SiluMul", new long[]{1, rows, width}, in("g", g, 1, rows, width), in("u", u, 1, rows, width));
            assertClose("SwiGlu " + rows + "x" + width, joined, want, 2e-6);
            assertClose("SiluMul " + rows + "x" + width, two, want, 2e-6);
        }
    }

    @Test
    void malformedCallsAreErrorsNamingTheOperator() {
        if (!FusedSnakeTest.fusedExpectedHere()) return;
        OrtException e = assertThrows(OrtException.class, () -> run("RmsNorm", new long[]{1, 2, 6},
                in("x", new float[12], 1, 2, 6), in("w", new float[4], 4), in("eps", new float[]{1e-6f}, 1)));
        assertTrue(e.getMessage().contains("RmsNorm: needs"), e.getMessage());
        e = assertThrows(OrtException.class, () -> run("RmsNormRope", new long[]{1, 4, 8},
                in("x", new float[32], 1, 4, 8), in("w", new float[8], 8), in("eps", new float[]{1e-6f}, 1),
                in("cos", new float[12], 3, 4), in("sin", new float[12], 3, 4)));   // 3 positions for 4 rows
        assertTrue(e.getMessage().contains("RmsNormRope: needs"), e.getMessage());
        e = assertThrows(OrtException.class, () -> run("AdaRmsNorm", new long[]{2, 1, 4},
                in("x", new float[8], 2, 1, 4), in("w", new float[4], 4), in("eps", new float[]{1e-6f}, 1),
                in("shift", new float[12], 3, 1, 4), in("scale", new float[12], 3, 1, 4)));   // 3 rows of modulation for 2 items
        assertTrue(e.getMessage().contains("AdaRmsNorm: needs"), e.getMessage());
        e = assertThrows(OrtException.class, () -> run("GatedAdd", new long[]{1, 2, 4},
                in("x", new float[8], 1, 2, 4), in("gate", new float[4], 4), in("y", new float[12], 1, 3, 4)));
        assertTrue(e.getMessage().contains("GatedAdd: needs"), e.getMessage());
        e = assertThrows(OrtException.class, () -> run("SwiGlu", new long[]{1, 2, 3}, in("gu", new float[6], 1, 2, 3)));
        assertTrue(e.getMessage().contains("SwiGlu: needs"), e.getMessage());
        e = assertThrows(OrtException.class, () -> run("SiluMul", new long[]{1, 2, 3},
                in("g", new float[6], 1, 2, 3), in("u", new float[6], 1, 3, 2)));
        assertTrue(e.getMessage().contains("SiluMul: needs"), e.getMessage());
    }

    private record In(String name, float[] data, long[] shape) {}

    private static In in(String name, float[] data, long... shape) {
        return new In(name, data, shape);
    }

    private float[] gaussian(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    /** One node of {@code op} over the given inputs (every dimension symbolic), its output as floats. */
    private static float[] run(String op, long[] outShape, In... inputs) throws Exception {
        OnnxGraph g = new OnnxGraph(op);
        V[] vs = new V[inputs.length];
        Map<String, TensorData> feed = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Object[] dims = new Object[inputs[i].shape().length];
            for (int d = 0; d < dims.length; d++) dims[d] = inputs[i].name() + d;
            vs[i] = g.input(inputs[i].name(), DType.F32, dims);
            feed.put(inputs[i].name(), TensorData.ofFloats(inputs[i].name(), inputs[i].data(), inputs[i].shape()));
        }
        Object[] outDims = new Object[outShape.length];
        for (int d = 0; d < outDims.length; d++) outDims[d] = "out" + d;
        g.output(g.aceforgeOp(op, vs), "out", DType.F32, outDims);
        TensorData y = GraphRunner.run(g, feed).get("out");
        assertTrue(java.util.Arrays.equals(outShape, y.shape()), op + ": output shape " + java.util.Arrays.toString(y.shape()));
        return y.toFloats();
    }

    /** Every element within tol of the formula, relative to the formula's largest magnitude. */
    private static void assertClose(String what, float[] got, double[] want, double tol) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 0, worst = 0;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(scale, 1e-30));
        assertTrue(worst < tol, what + ": worst error " + worst + " of the largest value");
    }
}
