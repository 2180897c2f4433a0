package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.Version;
import org.aceforge.engine.jobs.RenderResult;

import java.io.IOException;
import java.util.StringJoiner;

/**
 * A task in query_result's shape: {@code task_id}, {@code status} (0/1/2) and {@code result}, a JSON <em>string</em>
 * of one entry per audio file (file URL, metas, seeds, models), as the API document gives it; beside them AceForge's
 * {@code progress} (0–1), {@code stage}, {@code queue_position} and, for a failed task, {@code error}.
 */
final class ResultJson {
    private ResultJson() {}

    static ObjectNode of(TaskState t, int queuePosition) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("task_id", t.id);
        n.put("status", t.status.code);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        RenderResult r = t.result;
        if (t.status == TaskState.Status.SUCCEEDED && r != null) {
            StringJoiner seeds = new StringJoiner(",");
            for (RenderResult.Item i : r.items()) seeds.add(Long.toString(i.seed()));
            for (RenderResult.Item i : r.items()) items.add(item(t, i, seeds.toString(), r));
        }
        n.put("result", items.toString());
        n.put("progress", t.progress);
        n.put("stage", t.stage);
        n.put("queue_position", queuePosition);
        if (t.error != null) n.put("error", t.error);
        return n;
    }

    private static ObjectNode item(TaskState t, RenderResult.Item i, String seeds, RenderResult r) {
        JsonNode side = sidecar(i);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", AudioFolder.url(i.audio()));
        o.put("wave", "");
        o.put("status", 1);
        o.put("create_time", t.createdMillis / 1000);
        o.put("env", "aceforge");
        o.put("prompt", side.path("caption").asText(t.prompt));
        o.put("lyrics", side.path("lyrics").isTextual() ? side.path("lyrics").asText() : t.lyrics);
        ObjectNode metas = o.putObject("metas");
        if (side.path("bpm").isNumber()) metas.put("bpm", side.path("bpm").asInt());
        else metas.putNull("bpm");
        metas.put("duration", i.durationSeconds());
        metas.put("genres", "");
        metas.put("keyscale", side.path("key").asText(""));
        metas.put("timesignature", side.path("timesig").asText(""));
        o.put("generation_info", String.format(java.util.Locale.ROOT, "AceForge %s: %s, %s, %d steps, %.1f s of audio rendered in %.1f s",
                Version.current(), side.path("task").asText("text2music"), side.path("model").path("dit").asText("?"),
                side.path("dit").path("steps").asInt(), i.durationSeconds(), r.seconds()));
        o.put("seed_value", seeds);
        o.put("lm_model", side.path("lm").path("model").asText(""));
        o.put("dit_model", side.path("model").path("dit").asText(""));
        o.put("seed", i.seed());
        return o;
    }

    private static JsonNode sidecar(RenderResult.Item i) {
        try {
            return i.sidecar() == null ? JsonNodeFactory.instance.objectNode() : Json.MAPPER.readTree(i.sidecar().toFile());
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }
}
