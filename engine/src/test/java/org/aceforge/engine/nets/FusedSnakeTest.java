package org.aceforge.engine.nets;

import ai.onnxruntime.OrtException;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.CustomOps;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AceForge's fused Snake operator (engine/src/main/c) against the formula in double precision, on every size the
 * kernel treats differently (one thread, several threads, rows that do not fill a vector), over the whole range of
 * arguments a decoder produces; malformed calls are errors, never crashes; GPU sessions never get it.
 */
class FusedSnakeTest {
    /** Linux x86-64 builds carry the library (built with the jar); elsewhere the standard form is expected. */
    static boolean fusedExpectedHere() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT), arch = System.getProperty("os.arch", "");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))
                && FusedSnakeTest.class.getResource("/native/linux-x64/libaceforge_ortops.so") != null;
    }

    @Test
    void loadsOnCpuSessionsOnly() {
        assertEquals(fusedExpectedHere(), CustomOps.available(OrtRuntime.Device.CPU), "library built with the jar but not loaded");
        assertFalse(CustomOps.available(OrtRuntime.Device.CUDA));
        assertEquals(SnakeForm.STANDARD, SnakeForm.forDevice(OrtRuntime.Device.CUDA));
    }

    /**
     * Rows whose |alpha·x| stays under 65 536 take the single-precision form on CPUs with FMA, the others (and CPUs
     * without FMA) the double one: the mostly-moderate rows here take the first, rows with values near 3000·e³ the second.
     */
    @Test
    void agreesWithTheFormula() throws Exception {
        agreesWithTheFormula(3000);
        agreesWithTheFormula(30);
    }

    private void agreesWithTheFormula(double far) throws Exception {
        if (!fusedExpectedHere()) return;
        Random rng = new Random(7);
        // [batch, channels, time]: tiny (one thread), odd lengths (vector tails), and over 2^20 values (threads).
        int[][] shapes = {{1, 3, 5}, {2, 5, 1001}, {1, 64, 17_000}};
        for (int[] sh : shapes) {
            int b = sh[0], c = sh[1], t = sh[2];
            float[] x = new float[b * c * t], alpha = new float[c], invBeta = new float[c];
            for (int i = 0; i < c; i++) {
                alpha[i] = (float) Math.exp(rng.nextGaussian());
                invBeta[i] = (float) (1 / (Math.exp(rng.nextGaussian()) + 1e-9));
            }
            // Mostly activations of a few units, some far out (|alpha·x| up to ~1e4) to test the range reduction.
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * (i % 97 == 0 ? far : 3));
            float[] y = run(x, alpha, invBeta, b, c, t);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                int ch = (i / t) % c;
                double z = (double) (alpha[ch] * x[i]);
                double s = Math.sin(z);
                double want = x[i] + invBeta[ch] * s * s;
                worst = Math.max(worst, Math.abs(y[i] - want) / (Math.abs(x[i]) + invBeta[ch] + 1));
            }
            assertTrue(worst < 2e-7, "shape " + b + "x" + c + "x" + t + ", far " + far + ": worst relative error " + worst);
        }
    }

    @Test
    void malformedCallsAreErrorsNotCrashes() {
        if (!fusedExpectedHere()) return;
        OrtException e = assertThrows(OrtException.class, () -> run(new float[12], new float[2], new float[3], 1, 3, 4));
        assertTrue(e.getMessage().contains("one value per channel"), e.getMessage());
    }

    private static float[] run(float[] x, float[] alpha, float[] invBeta, int b, int c, int t) throws Exception {
        OnnxGraph g = new OnnxGraph("snake");
        V in = g.input("x", DType.F32, "b", "c", "t");
        V a = g.input("alpha", DType.F32, "ca");
        V ib = g.input("inv_beta", DType.F32, "cb");
        g.output(g.aceforgeOp("Snake", in, a, ib), "y", DType.F32, "b", "c", "t");
        var out = GraphRunner.run(g, Map.of("x", TensorData.ofFloats("x", x, b, c, t),
                "alpha", TensorData.ofFloats("alpha", alpha, alpha.length),
                "inv_beta", TensorData.ofFloats("inv_beta", invBeta, invBeta.length)));
        return out.get("y").toFloats();
    }
}
