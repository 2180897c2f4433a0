package org.aceforge.engine.nets;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.io.Npy;
import org.aceforge.engine.io.SafeTensors;
import org.aceforge.engine.io.TensorData;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.reference.RefDit;
import org.aceforge.engine.runtime.NetSession;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DitGraphTest {
    @Test
    void reproducesDitTinyFixture() throws Exception {
        Path dir = Fixtures.dir("dit-tiny");
        AceStepConfig c = AceStepConfig.read(dir.resolve("config.json"));
        SafeTensors w = SafeTensors.open(dir.resolve("model.safetensors"));
        TensorData xt = Npy.read(dir.resolve("in_hidden_states.npy"));
        TensorData ctx = Npy.read(dir.resolve("in_context_latents.npy"));
        TensorData enc = Npy.read(dir.resolve("in_encoder_hidden_states.npy"));
        TensorData t = Npy.read(dir.resolve("in_timestep.npy"));
        float[] expected = Npy.read(dir.resolve("out_velocity.npy")).toFloats();

        double[][] ref = RefDit.forward(c, w, Ref.rows(xt), Ref.rows(ctx), Ref.rows(enc), t.toDoubles()[0]);
        double refErr = Ref.relErr(expected, Ref.flat(ref));
        assertTrue(refErr < 1e-5, "reference vs fixture rel err " + refErr);

        OnnxGraph g = DitGraph.build(c, w);
        try (NetSession s = new NetSession("dit", g.toModelBytes(), g.externalWeights())) {
            float[] got = s.run(Map.of("hidden_states", xt, "context_latents", ctx, "encoder_hidden_states", enc,
                    "timestep", TensorData.ofFloats("t", t.toFloats(), 1))).get("velocity").toFloats();
            double err = Ref.relErr(got, expected);
            assertTrue(err < 1e-4, "graph vs fixture rel err " + err);
        }
    }
}
