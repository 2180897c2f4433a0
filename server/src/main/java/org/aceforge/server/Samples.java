package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** create_random_sample: one of the example songs the studio offers (presets/examples.json), in the API's fields. */
final class Samples {
    private final JsonNode examples;

    Samples() {
        try (InputStream in = Samples.class.getClassLoader().getResourceAsStream("presets/examples.json")) {
            if (in == null) throw new IOException("presets/examples.json is not on the class path");
            examples = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> random() {
        JsonNode e = examples.get(ThreadLocalRandom.current().nextInt(examples.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("caption", e.path("caption").asText(""));
        out.put("lyrics", e.path("lyrics").asText(""));
        out.put("bpm", e.path("bpm").asInt());
        out.put("key_scale", e.path("key").asText(""));
        out.put("time_signature", e.path("timesig").asText("4"));
        out.put("duration", e.path("duration").asDouble(60));
        out.put("vocal_language", e.path("language").asText("en"));
        out.put("instrumental", e.path("instrumental").asBoolean(false));
        return out;
    }
}
