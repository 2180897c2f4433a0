package org.aceforge.engine.graph;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LoRA input's training dropout, seen through an identity adapter on a zero base weight (the branch's output is
 * then the dropped-out input itself): the dropped share is p, the kept values are scaled by 1/(1−p), the draw changes
 * with the fed seed and from one module to the next, and the same seed gives the same draw.
 */
class LoraDropoutTest {
    static final int N = 64, ROWS = 300;
    static final double P = 0.3;

    static float[] eye() {
        float[] e = new float[N * N];
        for (int i = 0; i < N; i++) e[i * N + i] = 1;
        return e;
    }

    float[][] run(float seed) throws Exception {
        TensorData w1 = TensorData.ofFloats("w1", new float[N * N], N, N), w2 = TensorData.ofFloats("w2", new float[N * N], N, N);
        LowRankUpdates identity = new LowRankUpdates() {
            public Pair pair(String name) {
                return new Pair(TensorData.ofFloats(name + ".A", eye(), N, N), TensorData.ofFloats(name + ".B", eye(), N, N), 1.0);
            }

            public double dropout() { return P; }
        };
        OnnxGraph g = new OnnxGraph("dropout").lora(identity, 1.0);
        V x = g.input("x", DType.F32, 1L, (long) ROWS, (long) N);
        g.output(g.linear(x, w1, null), "y1", DType.F32);
        g.output(g.linear(x, w2, null), "y2", DType.F32);
        float[] ones = new float[ROWS * N];
        Arrays.fill(ones, 1);
        try (NetSession s = new NetSession("dropout", g.toModelBytes(), g.externalWeights())) {
            Map<String, TensorData> out = s.run(Map.of("x", TensorData.ofFloats("x", ones, 1, ROWS, N),
                    OnnxGraph.LORA_DROPOUT_SEED, TensorData.ofFloats("s", new float[]{seed}, 1)));
            return new float[][]{out.get("y1").toFloats(), out.get("y2").toFloats()};
        }
    }

    @Test
    void dropsAShareOfPScalesTheRestAndVariesWithTheSeed() throws Exception {
        float[][] a = run(1.5f), b = run(1.5f), c = run(2.5f);
        int dropped = 0;
        for (float v : a[0]) {
            if (v == 0) dropped++;
            else assertEquals(1 / (1 - P), v, 1e-5);
        }
        double share = dropped / (double) a[0].length;
        assertTrue(Math.abs(share - P) < 0.02, "dropped share " + share);
        assertTrue(Arrays.equals(a[0], b[0]) && Arrays.equals(a[1], b[1]), "the same seed, the same draw");
        assertFalse(Arrays.equals(a[0], c[0]), "another seed, another draw");
        assertFalse(Arrays.equals(a[0], a[1]), "each module its own draw");
    }
}
