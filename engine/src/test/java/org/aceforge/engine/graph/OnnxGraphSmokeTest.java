package org.aceforge.engine.graph;

import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class OnnxGraphSmokeTest {
    @Test
    void linearWithExternalWeightRuns() throws Exception {
        OnnxGraph g = new OnnxGraph("t");
        var x = g.input("x", DType.F32, "b", 2L);
        TensorData w = TensorData.ofFloats("lin.weight", new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
        TensorData b = TensorData.ofFloats("lin.bias", new float[]{1, 0, -1}, 3);
        var y = g.linear(x, w, b);
        g.output(y, "y", DType.F32, "b", 3L);
        try (NetSession s = new NetSession("t", g.toModelBytes(), g.externalWeights())) {
            var out = s.run(Map.of("x", TensorData.ofFloats("x", new float[]{1, 1}, 1, 2)));
            assertArrayEquals(new float[]{4, 7, 10}, out.get("y").toFloats(), 1e-6f);
        }
    }
}
