package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

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
        Random rnd = new Random(9);
        WinogradConv f = WinogradConv.of(WinogradConv.TILE, 7);
        int[][] cases = {{2, 6, 5, 1, 37}, {1, 4, 4, 3, 1}, {1, 8, 3, 9, 5}, {2, 3, 6, 9, 200}, {1, 16, 16, 3, 121}, {1, 5, 5, 1, 6}};
        for (int[] c : cases) {
            int batch = c[0], cin = c[1], cout = c[2], dil = c[3], t = c[4];
            for (boolean withBias : new boolean[]{true, false}) {
                float[] x = floats(rnd, batch * cin * t), w = floats(rnd, cout * cin * 7), b = floats(rnd, cout);
                OnnxGraph g = new OnnxGraph("winograd");
                V in = g.input("x", DType.F32, "batch", (long) cin, "t");
                V y = f.apply(g, in, g.constant(w, cout, cin, 7), withBias ? g.constant(b, cout) : null, cin, cout, dil);
                g.output(y, "y", DType.F32, "batch", (long) cout, "t");
                float[] got = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, batch, cin, t))).get("y").toFloats();
                double[] want = plainConv(x, w, withBias ? b : null, batch, cin, cout, t, dil);
                assertEquals(want.length, got.length, "output length for " + java.util.Arrays.toString(c));
                double num = 0, den = 0;
                for (int i = 0; i < want.length; i++) {
                    num += (want[i] - got[i]) * (want[i] - got[i]);
                    den += want[i] * want[i];
                }
                assertTrue(Math.sqrt(num / den) < 1e-5, java.util.Arrays.toString(c) + " bias " + withBias + ": relative error " + Math.sqrt(num / den));
            }
        }
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
        assertEquals(ConvForm.WINOGRAD, ConvForm.forDevice(OrtRuntime.Device.CPU));
        assertEquals(ConvForm.DIRECT, ConvForm.forDevice(OrtRuntime.Device.CUDA));
        assertEquals("-fused-winograd", new VaeForm(SnakeForm.FUSED, ConvForm.WINOGRAD).graphSuffix());
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
