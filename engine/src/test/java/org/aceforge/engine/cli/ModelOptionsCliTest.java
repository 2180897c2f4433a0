package org.aceforge.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.LoraAdapterTest;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** --int8 and --lora from the command line: they render, the sidecar says so, the audio differs; bad values exit 2. */
class ModelOptionsCliTest extends DemoPackCliTest {
    RenderCliTest.Run render(String... extra) {
        return run(List.of("render", "--caption", "warm lofi piano", "--model", model.toString(),
                "--duration", "10", "--seed", "5"), extra);
    }

    @Test
    void int8AndLoraRenderAndAreRecorded() throws Exception {
        WeightSource dit = Checkpoint.open(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), "model");
        Path lora = LoraAdapterTest.adapter(tmp.resolve("adapter"), dit, 4);
        Path plain = tmp.resolve("plain.wav"), q = tmp.resolve("int8.wav"), l = tmp.resolve("lora.wav");
        assertEquals(0, render("--out", plain.toString()).code());
        RenderCliTest.Run r = render("--int8", "--out", q.toString());
        assertEquals(0, r.code(), r.err());
        RenderCliTest.Run r2 = render("--lora", lora.toString(), "--lora-scale", "0.8", "--out", l.toString());
        assertEquals(0, r2.code(), r2.err());
        JsonNode jq = new ObjectMapper().readTree(tmp.resolve("int8.json").toFile()), jl = new ObjectMapper().readTree(tmp.resolve("lora.json").toFile());
        assertTrue(jq.path("model").path("int8").asBoolean());
        assertEquals(lora.toAbsolutePath().toString(), jl.path("model").path("lora").asText());
        assertEquals(0.8, jl.path("model").path("lora_scale").asDouble());
        assertEquals(10 * 48000, RenderCliTest.frames(q));
        assertFalse(Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(q)), "int8 audio differs slightly");
        assertFalse(Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(l)), "the LoRA changes the audio");
    }

    @Test
    void badModelOptionsExitTwo() throws Exception {
        Path notAdapter = Files.createDirectories(tmp.resolve("empty"));
        String[][] bad = {
                {"--lora", tmp.resolve("missing").toString()},
                {"--lora", notAdapter.toString()},
                {"--lora", notAdapter.toString(), "--lora-scale", "9"},
        };
        for (String[] args : bad) {
            List<String> a = new ArrayList<>(Arrays.asList(args));
            a.add("--out");
            a.add(tmp.resolve("bad.wav").toString());
            RenderCliTest.Run r = render(a.toArray(new String[0]));
            assertEquals(2, r.code(), String.join(" ", args) + " → " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(tmp.resolve("bad.wav")));
        }
    }
}
