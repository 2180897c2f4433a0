package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.TensorData;

import java.util.Map;

/** Builds a session for a graph, runs it once, closes it. */
final class GraphRunner {
    private GraphRunner() {}

    static Map<String, TensorData> run(OnnxGraph g, Map<String, TensorData> inputs) throws Exception {
        try (NetSession s = new NetSession("test", g.toModelBytes(), g.externalWeights())) {
            return s.run(inputs);
        }
    }
}
