package org.aceforge.engine.model;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The expected tensors derived from each config equal, name for name and shape for shape, the checkpoints saved by
 * the official code (the tiny fixtures) and the demo pack: nothing missing, nothing extra.
 */
class ExpectedTensorsTest {
    static Map<String, String> shapes(Map<String, long[]> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Arrays.toString(v)));
        return out;
    }

    static Map<String, String> file(Path p) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, TensorData> e : SafeTensors.open(p).tensors().entrySet()) out.put(e.getKey(), Arrays.toString(e.getValue().shape()));
        return out;
    }

    @Test
    void officialFixturesMatchTheirConfigs() throws Exception {
        Path dit = Fixtures.dir("acestep-tiny");
        assertEquals(file(dit.resolve("model.safetensors")), shapes(ExpectedTensors.dit(AceStepConfig.read(dit.resolve("config.json")))));
        Path vae = Fixtures.dir("vae-tiny");
        assertEquals(file(vae.resolve("diffusion_pytorch_model.safetensors")), shapes(ExpectedTensors.vae(VaeConfig.read(vae.resolve("config.json")))));
        Path te = Fixtures.dir("text-encoder-tiny");
        assertEquals(file(te.resolve("model.safetensors")), shapes(ExpectedTensors.qwen3(Qwen3Config.read(te.resolve("config.json")), "")));
        Path lm = Fixtures.dir("lm-tiny");
        assertEquals(file(lm.resolve("model.safetensors")), shapes(ExpectedTensors.qwen3(Qwen3Config.read(lm.resolve("config.json")), "model.")));
    }

    @Test
    void theDemoPackMatchesItsConfigs() throws Exception {
        Path root = ModelLocator.ensureDemoPack().root();
        for (String v : new String[]{"acestep-v15-turbo", "acestep-v15-base"})
            assertEquals(file(root.resolve(v).resolve("model.safetensors")), shapes(ExpectedTensors.dit(AceStepConfig.read(root.resolve(v).resolve("config.json")))), v);
        assertEquals(file(root.resolve("vae/diffusion_pytorch_model.safetensors")), shapes(ExpectedTensors.vae(VaeConfig.read(root.resolve("vae/config.json")))));
    }
}
