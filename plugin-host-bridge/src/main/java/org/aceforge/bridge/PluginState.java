package org.aceforge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.ui.plugin.PluginContext;
import org.aceforge.ui.plugin.PluginSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugin's state in the host project: versioned JSON with the settings, the region and the kept variants (file
 * path + SHA-256). Older versions are migrated on read; unknown fields are ignored.
 */
public final class PluginState {
    public static final String FORMAT = "aceforge-plugin-state";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginState() {}

    public record Restored(PluginSettings settings, List<PluginContext.Variant> variants) {}

    public static byte[] write(PluginSettings s, List<PluginContext.Variant> variants) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        ObjectNode st = n.putObject("settings");
        st.put("caption", s.caption).put("lyrics", s.lyrics).put("instrumental", s.instrumental)
                .put("duration", s.duration).put("variant", s.variant).put("modelDir", s.modelDir).put("seed", s.seed);
        ObjectNode r = n.putObject("region");
        r.put("start", s.regionStart).put("end", s.regionEnd);
        ArrayNode vs = n.putArray("variants");
        for (PluginContext.Variant v : variants) {
            vs.addObject().put("path", v.file().toString()).put("sha256", v.sha256()).put("slot", v.slot())
                    .put("timelineStart", v.timelineStart()).put("placed", v.placed());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a state; an empty or foreign blob gives defaults (a project saved before AceForge was inserted). */
    public static Restored read(byte[] data) throws IOException {
        PluginSettings s = new PluginSettings();
        List<PluginContext.Variant> variants = new ArrayList<>();
        if (data == null || data.length == 0) return new Restored(s, variants);
        JsonNode n;
        try {
            n = JSON.readTree(new String(data, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("the saved AceForge state is damaged (not JSON); starting with defaults", e);
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) throw new IOException("the saved state is not an AceForge state");
        int version = n.path("version").asInt();
        if (version > VERSION) throw new IOException("the project was saved by a newer AceForge (state version " + version + ")");
        JsonNode st = n.path("settings");
        s.caption = st.path("caption").asText("");
        s.lyrics = st.path("lyrics").asText("");
        s.instrumental = st.path("instrumental").asBoolean(true);
        s.duration = st.path("duration").asDouble(30);
        s.variant = st.path("variant").asText("turbo");
        s.modelDir = st.path("modelDir").asText("");
        s.seed = st.path("seed").asLong(-1);
        s.regionStart = n.path("region").path("start").asDouble(-1);
        s.regionEnd = n.path("region").path("end").asDouble(-1);
        for (JsonNode v : n.path("variants"))
            variants.add(new PluginContext.Variant(Path.of(v.path("path").asText()), v.path("sha256").asText(),
                    v.path("slot").asInt(-1), v.path("timelineStart").asLong(0), v.path("placed").asBoolean(false)));
        return new Restored(s, variants);
    }
}
