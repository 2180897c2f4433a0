package org.aceforge.engine.runtime;

import org.aceforge.engine.graph.Int8Kernel;
import org.aceforge.engine.graph.Int8Weights;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the engine's memory relies on: a session keeps its own copy of the weights it was given, so the engine may drop
 * its INT8 forms once the session is open (1.5 GB for the full-size DiT).
 */
class NetSessionTest {
    private static final int N = 96, K = 256, M = 4;

    @Test
    void theWeightsAreCopiedWhenTheSessionOpens() throws Exception {
        ByteBuffer data = ByteBuffer.allocateDirect(N * K * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(3);
        for (int i = 0; i < N * K; i++) data.putFloat(i * 4, (float) r.nextGaussian());
        TensorData w = new TensorData("w", DType.F32, new long[]{N, K}, data);
        OnnxGraph g = linear(null, w);
        try (NetSession s = new NetSession("copy-probe", g.toModelBytes(), g.externalWeights())) {
            float[] before = s.run(input()).get("y").toFloats();
            for (int i = 0; i < N * K; i++) data.putFloat(i * 4, Float.NaN);   // the engine's buffer, overwritten
            float[] after = s.run(input()).get("y").toFloats();
            assertArrayEquals(before, after, "the session read the weights from the caller's buffer after it opened");
            assertTrue(Float.isFinite(after[0]));
        }
    }

    @Test
    void anInt8SessionReleasesItsQuantizedWeightsAndAnotherMakesThemAgain(@TempDir Path dir) throws Exception {
        float[] f = new float[N * K];
        Random r = new Random(5);
        for (int i = 0; i < f.length; i++) f[i] = (float) r.nextGaussian();
        TensorData w = TensorData.ofFloats("w", f, N, K);
        Int8Weights q = new Int8Weights(() -> Map.of("w", w), Int8Kernel.MATMUL_NBITS);
        GraphCache cache = new GraphCache(dir);
        float[] first, second;
        try (LazySession a = new LazySession("int8-a", "a", q, cache, () -> linear(q, w))) {
            first = a.get().run(input()).get("y").toFloats();
            assertEquals(0, q.releaseDerived(), "the quantized forms stayed after the session opened");
            first = a.get().run(input()).get("y").toFloats();
        }
        try (LazySession b = new LazySession("int8-b", "b", q, cache, () -> linear(q, w))) {
            second = b.get().run(input()).get("y").toFloats();   // quantized again, the same way
        }
        assertArrayEquals(first, second, 0f);
        float[] fp32 = new float[M * N];
        float[] x = input().get("x").toFloats();
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                double s = 0;
                for (int k = 0; k < K; k++) s += x[m * K + k] * f[n * K + k];
                fp32[m * N + n] = (float) s;
            }
        double err = 0, norm = 0;
        for (int i = 0; i < fp32.length; i++) {
            err += (first[i] - fp32[i]) * (first[i] - fp32[i]);
            norm += fp32[i] * fp32[i];
        }
        assertTrue(Math.sqrt(err / norm) < 0.02, "INT8 output off fp32 by " + Math.sqrt(err / norm));
    }

    private static OnnxGraph linear(Int8Weights q, TensorData w) {
        OnnxGraph g = new OnnxGraph("linear").int8(q);
        var x = g.input("x", DType.F32, (long) M, (long) K);
        g.output(g.linear(x, w, null), "y", DType.F32, (long) M, (long) N);
        return g;
    }

    private static Map<String, TensorData> input() {
        float[] x = new float[M * K];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return Map.of("x", TensorData.ofFloats("x", x, M, K));
    }
}
