package org.aceforge.server;

import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The API key (header or ai_token, any endpoint but /health) and the queue limit (a node with no workers). */
class AuthAndLimitsTest {
    @Test
    void theKeyIsNeededEverywhereButHealth() throws Exception {
        Path folder = Path.of("target", "auth-test").toAbsolutePath();
        try (ApiServer s = new ApiServer(new ServerSettings("127.0.0.1", 0, "s3cret", 0, DemoPackFixture.pack().root(), folder, 10, 5, 8, false)).start()) {
            ApiClient c = new ApiClient(s.port());
            assertEquals(200, c.get("/health").status());
            ApiServerTest.expect(401, "unauthorized", c.get("/v1/stats"));
            ApiServerTest.expect(401, "unauthorized", c.postJson("/release_task", "{\"prompt\": \"x\"}"));
            ApiServerTest.expect(401, "unauthorized", c.postJson("/release_task", "{\"prompt\": \"x\", \"ai_token\": \"wrong\"}"));
            for (String lora : new String[]{"/v1/lora/load", "/v1/lora/unload", "/v1/lora/toggle", "/v1/lora/scale"})
                ApiServerTest.expect(401, "unauthorized", c.postJson(lora, "{\"lora_path\": \"/tmp\", \"use_lora\": true, \"scale\": 0.5}"));
            ApiServerTest.expect(401, "unauthorized", c.get("/v1/lora/status"));
            assertEquals(200, c.postJson("/release_task", "{\"prompt\": \"x\", \"ai_token\": \"s3cret\", \"audio_duration\": 10}").status());
            c.bearer = "s3cret";
            assertEquals(200, c.get("/v1/stats").status());
            c.bearer = "s3cre";
            ApiServerTest.expect(401, "unauthorized", c.get("/v1/models"));
        }
    }

    @Test
    void aFullQueueAnswers429() throws Exception {
        Path folder = Path.of("target", "queue-test").toAbsolutePath();
        try (ApiServer s = new ApiServer(new ServerSettings("127.0.0.1", 0, null, 0, DemoPackFixture.pack().root(), folder, 2, 5, 8, false)).start()) {
            ApiClient c = new ApiClient(s.port());
            String body = "{\"prompt\": \"x\", \"audio_duration\": 10}";
            assertEquals(200, c.postJson("/release_task", body).status());
            ApiClient.Reply second = c.postJson("/release_task", body);
            assertEquals(2, second.data().path("queue_position").asInt());
            ApiServerTest.expect(429, "busy", c.postJson("/release_task", body));
            assertEquals(2, c.get("/v1/stats").data().path("jobs").path("queued").asInt());
        }
    }
}
