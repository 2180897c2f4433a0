package org.aceforge.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RoPE settings from config.json as transformers writes them before and since version 5 (rope_theta only inside
 * rope_parameters), and RoPE variants AceForge does not implement refused with a clear message.
 */
class ConfigReadingTest {
    @TempDir
    Path tmp;

    Path config(String json) throws Exception {
        Path f = Files.createTempFile(tmp, "config", ".json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void ropeThetaIsReadWhereverTransformersPutIt() throws Exception {
        assertEquals(10_000, Qwen3Config.read(config("{\"rope_theta\": 10000}")).ropeTheta());
        assertEquals(10_000, Qwen3Config.read(config("{\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 10000.0}}")).ropeTheta(),
                "transformers >= 5");
        assertEquals(10_000, Qwen3Config.read(config("{\"rope_theta\": 10000, \"rope_parameters\": {\"rope_theta\": 10000}}")).ropeTheta());
        assertEquals(10_000, Qwen3Config.read(config("{\"rope_theta\": 10000, \"rope_scaling\": null}")).ropeTheta());
        assertEquals(1_000_000, Qwen3Config.read(config("{}")).ropeTheta(), "ACE-Step's default");
        assertEquals(5_000, AceStepConfig.read(config("{\"rope_parameters\": {\"rope_theta\": 5000}}")).ropeTheta());
    }

    @Test
    void otherRopeTypesAreRefused() throws Exception {
        for (String json : new String[]{
                "{\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 10000, \"factor\": 4}}",
                "{\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2}}",
                "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}}"}) {
            Path f = config(json);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qwen3Config.read(f));
            assertTrue(e.getMessage().contains("is not supported") && e.getMessage().contains(f.toString()), e.getMessage());
        }
        Path both = config("{\"rope_theta\": 10000, \"rope_parameters\": {\"rope_theta\": 20000}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Qwen3Config.read(both)).getMessage().contains("disagree"));
    }

    @Test
    void anLmHeadSizeTheAttentionKernelCannotRunIsRefusedAtLoad() throws Exception {
        Path lm = Files.createDirectories(tmp.resolve("lm"));
        Files.writeString(lm.resolve("config.json"), "{\"hidden_size\": 96, \"num_attention_heads\": 4, \"head_dim\": 24}");
        ModelFolderException e = assertThrows(ModelFolderException.class,
                () -> new org.aceforge.engine.lm.CausalLm(lm, org.aceforge.engine.runtime.GraphCache.defaultCache(), false));
        assertTrue(e.getMessage().contains("head_dim 24") && e.getMessage().contains("multiple of 16"), e.getMessage());
    }
}
