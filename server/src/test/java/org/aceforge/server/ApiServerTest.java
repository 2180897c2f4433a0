package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint over real HTTP on loopback, with the demo pack rendering: good requests in each encoding, bad ones. */
class ApiServerTest {
    static ApiServer server;
    static ApiClient client;
    static Path folder;

    @BeforeAll
    static void start() throws Exception {
        folder = Path.of("target", "api-server-test").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
        server = new ApiServer(new ServerSettings("127.0.0.1", 0, null, 1, DemoPackFixture.pack().root(), folder, 50, 5, 8, false)).start();
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void healthModelsStatsAndTheWrapper() throws Exception {
        ApiClient.Reply h = client.get("/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.data().path("status").asText());
        assertEquals(200, h.json().path("code").asInt());
        assertTrue(h.json().has("timestamp") && h.json().has("extra") && h.json().path("error").isNull());
        ApiClient.Reply m = client.get("/v1/models");
        assertEquals("acestep-v15-turbo", m.data().path("default_model").asText(), m.json().toString());
        assertTrue(m.data().path("models").get(0).path("is_default").asBoolean());
        ApiClient.Reply s = client.get("/v1/stats");
        for (String f : new String[]{"total", "queued", "running", "succeeded", "failed"})
            assertTrue(s.data().path("jobs").path(f).isNumber(), f + " in " + s.json());
        for (String f : new String[]{"queue_size", "queue_maxsize", "avg_job_seconds", "workers"})
            assertTrue(s.data().path(f).isNumber(), f + " in " + s.json());
        assertEquals(50, s.data().path("queue_maxsize").asInt());
        assertFalse(s.data().has("node") || s.data().has("queueSize"), "API names only, no node on a lone server: " + s.json());
        ApiClient.Reply sample = client.postJson("/create_random_sample", "{\"sample_type\": \"simple_mode\"}");
        assertFalse(sample.data().path("caption").asText().isEmpty(), sample.json().toString());
    }

    @Test
    void formatInputAsksTheLm() throws Exception {
        ApiClient.Reply r = client.postJson("/format_input", """
                {"prompt": "pop rock", "lyrics": "Walking down the street", "param_obj": "{\\"duration\\": 30, \\"language\\": \\"en\\"}"}""");
        assertEquals(200, r.status(), r.json().toString());
        assertFalse(r.data().path("caption").asText().isEmpty(), r.json().toString());
        assertEquals(30, r.data().path("duration").asInt(), r.json().toString());
        expect(400, "param_obj: is not a JSON object", client.postJson("/format_input", "{\"prompt\": \"x\", \"param_obj\": \"{oops\"}"));
        expect(400, "temperature", client.postJson("/format_input", "{\"prompt\": \"x\", \"temperature\": \"hot\"}"));
    }

    @Test
    void aJsonTaskRendersAndItsAudioDownloads() throws Exception {
        ApiClient.Reply r = client.postJson("/release_task", """
                {"prompt": "warm lofi hip hop", "lyrics": "[Instrumental]", "audio_duration": 10, "batch_size": 2,
                 "use_random_seed": false, "seed": "1234,99", "audio_format": "wav", "inference_steps": 8}""");
        assertEquals(200, r.status(), r.json().toString());
        assertEquals("queued", r.data().path("status").asText());
        String id = r.data().path("task_id").asText();
        JsonNode t = client.waitFor(id, Duration.ofMinutes(3));
        assertEquals(1, t.path("status").asInt(), t.toString());
        JsonNode items = Json.MAPPER.readTree(t.path("result").asText());
        assertEquals(2, items.size());
        assertEquals("1234,99", items.get(0).path("seed_value").asText());
        assertEquals(10.0, items.get(0).path("metas").path("duration").asDouble(), 0.01);
        assertEquals("acestep-v15-turbo", items.get(0).path("dit_model").asText());
        String file = items.get(0).path("file").asText();
        assertTrue(file.startsWith("/v1/audio?path="), file);
        ApiClient.Reply audio = client.get(file);
        assertEquals(200, audio.status());
        assertEquals("RIFF", new String(audio.body(), 0, 4));
    }

    @Test
    void progressStreamsUntilDone() throws Exception {
        ApiClient.Reply r = client.postJson("/release_task", "{\"prompt\": \"stream me\", \"audio_duration\": 10, \"batch_size\": 1, \"audio_format\": \"wav\"}");
        String id = r.data().path("task_id").asText();
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base + "/v1/tasks/" + id + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(3)).build();
        List<String> events = new java.util.ArrayList<>();
        String doneData = null;
        try (var lines = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofLines()).body()) {
            var it = lines.iterator();
            String event = null;
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event:")) events.add(event = line.substring(6).strip());
                if (line.startsWith("data:") && "done".equals(event)) {
                    doneData = line.substring(5).strip();
                    break;
                }
            }
        }
        assertTrue(events.contains("done"), events.toString());
        assertEquals(1, Json.MAPPER.readTree(doneData).path("status").asInt(), doneData);
        var unknown = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base + "/v1/tasks/nope/events"))
                .header("Accept", "text/event-stream").build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(unknown.contains("event: error") && unknown.contains("no such task"), unknown);
        expect(406, "Accept: text/event-stream", client.get("/v1/tasks/" + id + "/events"));
    }

    @Test
    void camelCaseFormsAndNestedMetasAreTheSameRequest() throws Exception {
        ApiClient.Reply camel = client.postJson("/release_task", """
                {"caption": "ambient pads", "audioDuration": 10, "batchSize": 1, "useRandomSeed": false, "seed": 7,
                 "audioFormat": "flac", "metas": {"bpm": 90, "keyscale": "C major", "timesignature": "4"}}""");
        assertEquals(200, camel.status(), camel.json().toString());
        JsonNode t = client.waitFor(camel.data().path("task_id").asText(), Duration.ofMinutes(3));
        JsonNode item = Json.MAPPER.readTree(t.path("result").asText()).get(0);
        assertEquals(90, item.path("metas").path("bpm").asInt(), item.toString());
        assertEquals("C major", item.path("metas").path("keyscale").asText());
        assertTrue(item.path("file").asText().endsWith(".flac"));

        ApiClient.Reply form = client.postForm("/release_task", Map.of("prompt", "ambient pads", "duration", "10",
                "batch_size", "1", "use_random_seed", "false", "seed", "7", "audio_format", "flac"));
        assertEquals(200, form.status(), form.json().toString());
        assertEquals(1, client.waitFor(form.data().path("task_id").asText(), Duration.ofMinutes(3)).path("status").asInt());
    }

    @Test
    void anUploadedSourceIsRepainted() throws Exception {
        Path src = folder.resolve("upload-src.wav");
        org.aceforge.engine.audio.AudioFileWriter.write(src, new float[2 * 48000 * 10], 2, 48000);
        ApiClient.Reply r = client.postMultipart("/release_task", Map.of("prompt", "remix this song", "task_type", "repaint",
                "repainting_start", "2", "repainting_end", "5", "batch_size", "1", "audio_format", "wav"), Map.of("src_audio", src));
        assertEquals(200, r.status(), r.json().toString());
        JsonNode t = client.waitFor(r.data().path("task_id").asText(), Duration.ofMinutes(3));
        assertEquals(1, t.path("status").asInt(), t.toString());
    }

    @Test
    void aSourceIsUploadedOnceAndNamedByItsHash() throws Exception {
        Path src = folder.resolve("by-hash.wav");
        float[] tone = new float[2 * 48000 * 10];
        for (int i = 0; i < tone.length; i++) tone[i] = (float) (0.2 * Math.sin(i * 0.01));
        org.aceforge.engine.audio.AudioFileWriter.write(src, tone, 2, 48000);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(src)));
        ApiClient.Reply first = client.postMultipart("/v1/uploads", Map.of(), Map.of("file", src));
        assertEquals(200, first.status(), first.json().toString());
        assertEquals(sha, first.data().path("sha256").asText());
        ApiClient.Reply again = client.postMultipart("/v1/uploads", Map.of(), Map.of("file", src));
        assertEquals(first.data().path("path").asText(), again.data().path("path").asText(), "stored once");
        assertEquals(200, client.get("/v1/uploads/" + sha).status());
        expect(404, "no upload with this hash", client.get("/v1/uploads/" + "0".repeat(64)));
        ApiClient.Reply r = client.postJson("/release_task", "{\"task_type\": \"repaint\", \"prompt\": \"x\", \"src_audio_sha256\": \"" + sha
                + "\", \"repainting_start\": 1, \"repainting_end\": 3, \"batch_size\": 1, \"audio_format\": \"wav\"}");
        assertEquals(200, r.status(), r.json().toString());
        assertEquals(1, client.waitFor(r.data().path("task_id").asText(), Duration.ofMinutes(3)).path("status").asInt());
        expect(400, "src_audio_sha256: no upload with this hash", client.postJson("/release_task",
                "{\"task_type\": \"repaint\", \"src_audio_sha256\": \"abc\"}"));
        Path junk = folder.resolve("junk2.wav");
        Files.writeString(junk, "not audio");
        expect(400, "file:", client.postMultipart("/v1/uploads", Map.of(), Map.of("file", junk)));
        try (var s = Files.list(folder.resolve("uploads").resolve("sha256"))) {
            assertEquals(1, s.count(), "only the good upload is kept");
        }
        expect(400, "file: is required", client.postJson("/v1/uploads", "{}"));
    }

    @Test
    void badRequestsAre4xxWithTheWrapperAndTheField() throws Exception {
        expect(400, "not valid JSON", client.postJson("/release_task", "{\"prompt\": "));
        expect(400, "JSON object", client.postJson("/release_task", "[1, 2]"));
        expect(400, "bpm: 'fast' is not a whole number", client.postJson("/release_task", "{\"bpm\": \"fast\"}"));
        expect(400, "audio_duration", client.postJson("/release_task", "{\"prompt\": \"x\", \"audio_duration\": 3}"));
        expect(400, "caption: must not be empty", client.postJson("/release_task", "{\"audio_duration\": 30}"));
        expect(400, "task_type: 'sing' is unknown", client.postJson("/release_task", "{\"task_type\": \"sing\"}"));
        expect(400, "batch_size: 9 is out of range", client.postJson("/release_task", "{\"batch_size\": 9}"));
        expect(400, "audio_format: aac is not supported", client.postJson("/release_task", "{\"audio_format\": \"aac\"}"));
        expect(400, "thinking: 'maybe' is not true or false", client.postJson("/release_task", "{\"thinking\": \"maybe\"}"));
        expect(400, "prompt: must be text", client.postJson("/release_task", "{\"prompt\": {\"a\": 1}}"));
        expect(400, "src_audio_path: only this server's results", client.postJson("/release_task",
                "{\"task_type\": \"repaint\", \"src_audio_path\": \"/etc/passwd\"}"));
        expect(400, "src_audio_path", client.postJson("/release_task",
                "{\"task_type\": \"cover\", \"src_audio_path\": \"../../../../etc/hostname\"}"));
        expect(415, "not supported", client.post("/release_task", "application/xml", "<a/>".getBytes()));
        expect(400, "task_id_list: is required", client.postJson("/query_result", "{}"));
        expect(404, "not found", client.get("/nothing/here"));
        expect(404, "not found", client.postJson("/v1/stats", "{}"));
        expect(400, "path: is required", client.get("/v1/audio"));
        expect(404, "no such audio file", client.get("/v1/audio?path=%2Fetc%2Fpasswd"));
        expect(404, "no such audio file", client.get("/v1/audio?path=..%2F..%2F..%2Fetc%2Fpasswd"));
        expect(400, "sample_type: fancy is unknown", client.postJson("/create_random_sample", "{\"sample_type\": \"fancy\"}"));
        JsonNode unknown = client.postJson("/query_result", "{\"task_id_list\": [\"nope\"]}").data().get(0);
        assertEquals(2, unknown.path("status").asInt());
    }

    @Test
    void anUploadThatIsNotAudioIsRefusedAndNotKept() throws Exception {
        long before = count(folder.resolve("uploads"));
        Path junk = folder.resolve("junk.mp3");
        Files.writeString(junk, "this is not audio at all");
        ApiClient.Reply r = client.postMultipart("/release_task", Map.of("task_type", "cover"), Map.of("src_audio", junk));
        expect(400, "src_audio:", r);
        assertEquals(before, count(folder.resolve("uploads")), "nothing left in uploads/");
        Path big = folder.resolve("big.wav");
        Files.write(big, new byte[6 * 1024 * 1024]);
        ApiClient.Reply tooBig = client.postMultipart("/release_task", Map.of("task_type", "cover"), Map.of("src_audio", big));
        assertTrue(tooBig.status() == 413 || tooBig.status() == 400, tooBig.status() + " " + tooBig.json());
        assertFalse(tooBig.error().isEmpty());
        assertEquals("ok", client.get("/health").data().path("status").asText(), "alive after every refusal");
    }

    private static long count(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    static void expect(int status, String message, ApiClient.Reply r) {
        assertEquals(status, r.status(), r.json().toString());
        assertEquals(status, r.json().path("code").asInt(), r.json().toString());
        assertTrue(r.error().contains(message), "'" + r.error() + "' should say '" + message + "'");
        assertTrue(r.json().path("data").isNull() && r.json().has("timestamp"), r.json().toString());
        assertFalse(r.error().contains("\n") || r.error().contains("Exception"), r.error());
    }
}
