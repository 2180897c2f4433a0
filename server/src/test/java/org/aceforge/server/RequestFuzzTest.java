package org.aceforge.server;

import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random requests at the parser (bounded: 600 requests, one seed): random JSON, huge fields, wrong types, unicode,
 * path tricks, broken encodings. Every answer is a 2xx or 4xx in the wrapper (503 only where a node without workers is
 * asked for the LM), never a 500, and the server answers /health at the end.
 */
class RequestFuzzTest {
    private static final List<String> FIELDS = List.of("prompt", "caption", "lyrics", "thinking", "audio_duration", "duration",
            "bpm", "key_scale", "time_signature", "batch_size", "seed", "use_random_seed", "inference_steps", "guidance_scale",
            "shift", "infer_method", "timesteps", "task_type", "src_audio_path", "reference_audio_path", "repainting_start",
            "repainting_end", "audio_cover_strength", "audio_format", "model", "lm_temperature", "lm_top_k", "lm_top_p",
            "audio_code_string", "metas", "sample_query", "use_format", "task_id_list", "param_obj", "sample_type", "ai_token",
            "cfg_interval_start", "use_adg", "track", "complete_tracks", "repaint_mode",
            // AceForge's own fields
            "repainting_regions", "cover_noise_strength", "audio_code_strength", "region_only", "repaint_handles", "score", "lrc",
            "lora_path", "lora_scale", "use_lm", "src_audio_sha256", "scale", "use_lora", "lora_path", "adapter_name");

    @Test
    void randomRequestsNeverBreakTheServer() throws Exception {
        Path folder = Path.of("target", "fuzz-test").toAbsolutePath();
        try (ApiServer s = new ApiServer(new ServerSettings("127.0.0.1", 0, null, 0, DemoPackFixture.pack().root(), folder, 100_000, 5, 8, false)).start()) {
            ApiClient c = new ApiClient(s.port());
            Random rnd = new Random(20261201);
            String[] endpoints = {"/release_task", "/query_result", "/format_input", "/create_random_sample", "/v1/lora/load", "/v1/lora/scale", "/v1/lora/toggle"};
            for (int i = 0; i < 600; i++) {
                String endpoint = endpoints[rnd.nextInt(endpoints.length)];
                ApiClient.Reply r = switch (rnd.nextInt(5)) {
                    case 0 -> c.post(endpoint, "application/json", randomBytes(rnd));
                    case 1 -> c.get("/v1/audio?path=" + java.net.URLEncoder.encode(pathTrick(rnd), StandardCharsets.UTF_8));
                    default -> c.postJson(endpoint, randomObject(rnd));
                };
                assertTrue(r.status() < 500 || (r.status() == 503 && endpoint.equals("/format_input")),
                        "request " + i + " to " + endpoint + " answered " + r.status() + ": " + r.json());
                assertEquals(r.status(), r.json().path("code").asInt(), "request " + i + ": the wrapper's code");
            }
            assertEquals("ok", c.get("/health").data().path("status").asText());
        }
    }

    private static String randomObject(Random rnd) {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append(quote(FIELDS.get(rnd.nextInt(FIELDS.size())))).append(':').append(randomValue(rnd, 0));
        }
        return b.append('}').toString();
    }

    private static String randomValue(Random rnd, int depth) {
        return switch (rnd.nextInt(depth > 2 ? 7 : 9)) {
            case 0 -> Long.toString(rnd.nextLong());
            case 1 -> Double.toString(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20));
            case 2 -> rnd.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> quote("x".repeat(rnd.nextInt(3) == 0 ? 300_000 : rnd.nextInt(20)));
            case 5 -> quote(unicode(rnd));
            case 6 -> quote(pathTrick(rnd));
            case 7 -> "[" + randomValue(rnd, depth + 1) + "," + randomValue(rnd, depth + 1) + "]";
            default -> "{\"bpm\":" + randomValue(rnd, depth + 1) + ",\"a\":" + randomValue(rnd, depth + 1) + "}";
        };
    }

    private static String unicode(Random rnd) {
        String[] bits = {"日本語の歌", "中文歌词", "🎵🎶", "\u0000", "\u202e", "é", "\\n[Verse]", "'; DROP TABLE", "%00", "1e309", "NaN", "-1"};
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(4); i >= 0; i--) b.append(bits[rnd.nextInt(bits.length)]);
        return b.toString();
    }

    private static String pathTrick(Random rnd) {
        String[] p = {"../../../etc/passwd", "/etc/shadow", "..\\..\\windows", "/proc/self/environ", "outputs/../../x.wav",
                "%2e%2e/%2e%2e/etc/hosts", "/dev/zero", "", "a\u0000b.wav", "~/x.mp3", "file:///etc/passwd", "x".repeat(5000)};
        return p[rnd.nextInt(p.length)];
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(200)];
        rnd.nextBytes(b);
        return b;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }
}
