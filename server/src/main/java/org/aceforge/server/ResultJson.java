package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.Version;
import org.aceforge.engine.jobs.RenderResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * A task in query_result's shape: {@code task_id}, {@code status} (0/1/2) and {@code result}, a JSON <em>string</em>
 * of one entry per audio file (file URL, metas, seeds, models), as the API document gives it; beside them AceForge's
 * {@code progress} (0–1), {@code stage}, {@code queue_position} and, for a failed task, {@code error}.
 */
final class ResultJson {
    private ResultJson() {}

    static ObjectNode of(TaskView t) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("task_id", t.id());
        n.put("status", t.status().code);
        n.put("result", t.items() == null || t.items().isEmpty() ? "[]" : t.items());
        n.put("progress", t.progress());
        n.put("stage", t.stage());
        n.put("queue_position", t.position());
        if (t.error() != null) n.put("error", t.error());
        return n;
    }

    /** The entries of a finished render; file URLs are relative to the output folder, so any node can serve them. */
    static ArrayNode items(Job job, RenderResult r, Path outputs) {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        StringJoiner seeds = new StringJoiner(",");
        for (RenderResult.Item i : r.items()) seeds.add(Long.toString(i.seed()));
        for (RenderResult.Item i : r.items()) items.add(item(job, i, seeds.toString(), r, outputs));
        return items;
    }

    /** The path /v1/audio takes for a result file: relative to the output folder, with forward slashes. */
    static String relative(Path outputs, Path file) {
        return outputs.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static ObjectNode item(Job job, RenderResult.Item i, String seeds, RenderResult r, Path outputs) {
        JsonNode side = sidecar(i);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", AudioFolder.url(relative(outputs, i.audio())));
        o.put("wave", "");
        o.put("status", 1);
        o.put("create_time", job.createdMillis() / 1000);
        o.put("env", "aceforge");
        o.put("prompt", side.path("caption").asText(job.prompt()));
        o.put("lyrics", side.path("lyrics").isTextual() ? side.path("lyrics").asText() : job.lyrics());
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
        // AceForge's own: the whole sidecar (what a client writes beside the file) and the timed lyrics when asked for.
        o.set("sidecar", side);
        Path lrc = org.aceforge.engine.jobs.RenderRequest.besideAudio(i.audio(), ".lrc");
        try {
            if (Files.isRegularFile(lrc)) o.put("lrc", Files.readString(lrc));
        } catch (IOException e) {
            // a result without its lyrics file is still a result
        }
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
