package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.LoraAdapterTest;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.aceforge.server.ApiServerTest.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's LoRA endpoints (load, status, scale, toggle, unload): a loaded adapter applies to the tasks accepted while
 * it is in force (and is recorded in their sidecars), a task may name its own with lora_path, and every bad value is a
 * 400 in words.
 */
class LoraEndpointsTest {
    static ApiServer server;
    static ApiClient client;
    static Path folder, adapter;

    @BeforeAll
    static void start() throws Exception {
        folder = Path.of("target", "lora-endpoints-test").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
        WeightSource dit = Checkpoint.open(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), "model");
        adapter = LoraAdapterTest.adapter(folder.resolve("adapter"), dit, 4);
        server = new ApiServer(new ServerSettings("127.0.0.1", 0, null, 1, DemoPackFixture.pack().root(), folder.resolve("server"), 50, 5, 8, false)).start();
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** A 10 s render with seed 5; its first entry. */
    JsonNode render(String extra) throws Exception {
        ApiClient.Reply r = client.postJson("/release_task", "{\"prompt\": \"warm lofi piano\", \"audio_duration\": 10, \"batch_size\": 1,"
                + " \"use_random_seed\": false, \"seed\": 5, \"audio_format\": \"wav\"" + extra + "}");
        assertEquals(200, r.status(), r.json().toString());
        JsonNode t = client.waitFor(r.data().path("task_id").asText(), Duration.ofMinutes(3));
        assertEquals(1, t.path("status").asInt(), t.toString());
        return Json.MAPPER.readTree(t.path("result").asText()).get(0);
    }

    @Test
    void aLoadedAdapterAppliesUntilUnloaded() throws Exception {
        JsonNode status = client.get("/v1/lora/status").data();
        assertFalse(status.path("lora_loaded").asBoolean(), status.toString());
        JsonNode plain = render("");
        assertTrue(plain.path("sidecar").path("model").path("lora").isMissingNode(), plain.toString());

        ApiClient.Reply load = client.postJson("/v1/lora/load", "{\"lora_path\": \"" + adapter.toString().replace("\\", "\\\\") + "\"}");
        assertEquals(200, load.status(), load.json().toString());
        status = client.get("/v1/lora/status").data();
        assertTrue(status.path("lora_loaded").asBoolean() && status.path("use_lora").asBoolean(), status.toString());
        assertEquals(1.0, status.path("lora_scale").asDouble());
        assertEquals(200, client.postJson("/v1/lora/scale", "{\"scale\": 0.5}").status());
        assertEquals(0.5, client.get("/v1/lora/status").data().path("lora_scale").asDouble());

        JsonNode with = render("");
        assertEquals(adapter.toString(), with.path("sidecar").path("model").path("lora").asText(), with.toString());
        assertEquals(0.5, with.path("sidecar").path("model").path("lora_scale").asDouble());
        assertNotEquals(bytes(plain), bytes(with), "the adapter changes the audio");

        // Toggled off: tasks render without it; its own lora_path still wins.
        ApiClient.Reply off = client.postJson("/v1/lora/toggle", "{\"use_lora\": false}");
        assertEquals(200, off.status(), off.json().toString());
        assertTrue(render("").path("sidecar").path("model").path("lora").isMissingNode());
        JsonNode own = render(", \"lora_path\": \"" + adapter.toString().replace("\\", "\\\\") + "\", \"lora_scale\": 0.5");
        assertEquals(bytes(with), bytes(own), "the same adapter at the same scale, named by the task");

        assertEquals(200, client.postJson("/v1/lora/unload", "{}").status());
        assertFalse(client.get("/v1/lora/status").data().path("lora_loaded").asBoolean());
        assertTrue(client.postJson("/v1/lora/unload", "{}").data().path("message").asText().contains("no LoRA"));
    }

    @Test
    void badLoraRequestsAre400s() throws Exception {
        expect(400, "lora_path: is required", client.postJson("/v1/lora/load", "{}"));
        Path empty = Files.createDirectories(folder.resolve("not-an-adapter"));
        expect(400, "lora_path:", client.postJson("/v1/lora/load", "{\"lora_path\": \"" + empty.toString().replace("\\", "\\\\") + "\"}"));
        expect(400, "lora_path:", client.postJson("/v1/lora/load", "{\"lora_path\": \"../../etc\"}"));
        expect(400, "lora_path:", client.postJson("/release_task", "{\"prompt\": \"x\", \"lora_path\": \"/no/such/adapter\"}"));
        expect(400, "lora_scale", client.postJson("/release_task", "{\"prompt\": \"x\", \"lora_path\": \"" + adapter.toString().replace("\\", "\\\\")
                + "\", \"lora_scale\": 9}"));
        expect(400, "repainting_regions: 'a:b' is not START:END", client.postJson("/release_task",
                "{\"prompt\": \"x\", \"task_type\": \"repaint\", \"repainting_regions\": \"a:b\"}"));
        expect(400, "use_lora: is required", client.postJson("/v1/lora/toggle", "{}"));
        expect(400, "use_lora", client.postJson("/v1/lora/toggle", "{\"use_lora\": \"maybe\"}"));
        expect(400, "scale: is required", client.postJson("/v1/lora/scale", "{}"));
        expect(400, "scale: 1.5 is out of range", client.postJson("/v1/lora/scale", "{\"scale\": 1.5}"));
    }

    static String bytes(JsonNode entry) throws Exception {
        ApiClient.Reply r = client.get(entry.path("file").asText());
        assertEquals(200, r.status());
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(r.body()));
    }
}
