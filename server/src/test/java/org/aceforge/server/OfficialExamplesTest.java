package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calls of the ACE-Step API document, made with curl exactly as the document makes them (its host, port, headers
 * and fields), against this server with the demo pack: every one answers 200 in the wrapper and every task it starts
 * succeeds. Port 8001 is the document's; when something else holds it the same calls go to a free port.
 */
class OfficialExamplesTest {
    @Test
    void theDocumentsCurlCallsWorkUnchanged() throws Exception {
        int port = free(8001) ? 8001 : 0;
        Path folder = Path.of("target", "official-examples").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
        java.nio.file.Files.createDirectories(folder);
        Path song = folder.resolve("song.mp3");
        org.aceforge.engine.audio.AudioFileWriter.write(song, tone(12), 2, 48000);
        try (ApiServer s = new ApiServer(new ServerSettings("127.0.0.1", port, null, 1, DemoPackFixture.pack().root(), folder, 50, 50, 8, false)).start()) {
            String base = "http://localhost:" + s.port();
            String json = "Content-Type: application/json";
            // The document's JSON bodies for release_task, byte for byte as its curl calls send them.
            List<String> bodies = List.of(
                    "{\n    \"prompt\": \"upbeat pop song\",\n    \"lyrics\": \"Hello world\",\n    \"inference_steps\": 8\n  }",
                    "{\n    \"prompt\": \"upbeat pop song\",\n    \"lyrics\": \"Hello world\",\n    \"thinking\": true,\n    \"lm_temperature\": 0.85,\n    \"lm_cfg_scale\": 2.5\n  }",
                    "{\n    \"sample_query\": \"a soft Bengali love song for a quiet evening\",\n    \"thinking\": true\n  }",
                    "{\n    \"prompt\": \"pop rock\",\n    \"lyrics\": \"[Verse 1]\\nWalking down the street...\",\n    \"use_format\": true,\n    \"thinking\": true\n  }",
                    "{\n    \"prompt\": \"electronic dance music\",\n    \"model\": \"acestep-v15-turbo\",\n    \"thinking\": true\n  }",
                    "{\n    \"prompt\": \"jazz piano trio\",\n    \"timesteps\": \"0.97,0.76,0.615,0.5,0.395,0.28,0.18,0.085,0\",\n    \"thinking\": true\n  }");
            List<List<String>> tasks = new ArrayList<>();
            for (String body : bodies) tasks.add(List.of("-X", "POST", base + "/release_task", "-H", json, "-d", body));
            tasks.add(List.of("-X", "POST", base + "/release_task", "-F", "prompt=remix this song", "-F", "src_audio=@" + song, "-F", "task_type=repaint"));
            List<String> ids = new ArrayList<>();
            for (List<String> call : tasks) {
                JsonNode r = curl(call);
                assertEquals(200, r.path("code").asInt(), call + " → " + r);
                ids.add(r.path("data").path("task_id").asText());
            }
            ApiClient client = new ApiClient(s.port());
            for (String id : ids) {
                JsonNode t = client.waitFor(id, Duration.ofMinutes(6));
                assertEquals(1, t.path("status").asInt(), "task " + ids.indexOf(id) + ": " + t);
            }
            JsonNode q = curl(List.of("-X", "POST", base + "/query_result", "-H", json, "-d",
                    "{\n    \"task_id_list\": [\"" + ids.get(0) + "\"]\n  }"));
            JsonNode items = Json.MAPPER.readTree(q.path("data").get(0).path("result").asText());
            assertEquals(2, items.size(), "batch_size defaults to 2");
            String file = items.get(0).path("file").asText();
            Path out = folder.resolve("output.mp3");
            Process p = new ProcessBuilder("curl", "-s", base + file, "-o", out.toString()).start();
            assertEquals(0, p.waitFor());
            assertTrue(java.nio.file.Files.size(out) > 10_000, "the downloaded audio");

            JsonNode f = curl(List.of("-X", "POST", base + "/format_input", "-H", json, "-d",
                    "{\n    \"prompt\": \"pop rock\",\n    \"lyrics\": \"Walking down the street\",\n    \"param_obj\": \"{\\\"duration\\\": 180, \\\"language\\\": \\\"en\\\"}\"\n  }"));
            assertEquals(200, f.path("code").asInt(), f.toString());
            JsonNode sample = curl(List.of("-X", "POST", base + "/create_random_sample", "-H", json, "-d", "{\"sample_type\": \"simple_mode\"}"));
            assertFalse(sample.path("data").path("caption").asText().isEmpty());
            assertEquals(200, curl(List.of(base + "/v1/models")).path("code").asInt());
            assertEquals(7, curl(List.of(base + "/v1/stats")).path("data").path("jobs").path("succeeded").asInt());
            assertEquals("ok", curl(List.of(base + "/health")).path("data").path("status").asText());
        }
    }

    private static JsonNode curl(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "curl " + args);
        return Json.MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static float[] tone(int seconds) {
        float[] a = new float[2 * 48000 * seconds];
        for (int i = 0; i < a.length / 2; i++) a[2 * i] = a[2 * i + 1] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 48000.0));
        return a;
    }
}
