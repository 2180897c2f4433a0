package org.aceforge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The plugin's state in the host project: versioned JSON with the settings, the region and the kept variants (file
 * path + SHA-256). Older versions are migrated on read; unknown fields are ignored. Nothing read is trusted: a value
 * of the wrong type, out of range or absurdly large is replaced by its default and named in {@link Restored#notes}.
 * An untouched plugin writes an empty state, so a project that never used AceForge's Java side needs no Java to load.
 * Pure functions; any thread.
 */
public final class PluginState {
    public static final String FORMAT = "aceforge-plugin-state";
    public static final int VERSION = 1;
    /** Far above any real caption or lyrics, far below what would hurt a host's memory. */
    static final int MAX_TEXT = 100_000;
    static final int MAX_VARIANTS = 256;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}|");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginState() {}

    /** A restored state; {@code notes} are sentences for the user about values that were replaced. */
    public record Restored(PluginSettings settings, List<Variant> variants, List<String> notes) {}

    public static byte[] write(PluginSettings s, List<Variant> variants) {
        if (variants.isEmpty() && isDefault(s)) return new byte[0];
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        ObjectNode st = n.putObject("settings");
        st.put("caption", s.caption).put("lyrics", s.lyrics).put("instrumental", s.instrumental)
                .put("duration", s.duration).put("variant", s.variant).put("modelDir", s.modelDir).put("seed", s.seed);
        ObjectNode r = n.putObject("region");
        r.put("start", s.regionStart).put("end", s.regionEnd);
        ArrayNode vs = n.putArray("variants");
        for (Variant v : variants) {
            vs.addObject().put("path", v.file().toString()).put("sha256", v.sha256()).put("slot", v.slot())
                    .put("timelineStart", v.timelineStart()).put("placed", v.placed());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isDefault(PluginSettings s) {
        PluginSettings d = new PluginSettings();
        return s.caption.equals(d.caption) && s.lyrics.equals(d.lyrics) && s.instrumental == d.instrumental
                && s.duration == d.duration && s.variant.equals(d.variant) && s.modelDir.equals(d.modelDir)
                && s.seed == d.seed && s.regionStart == d.regionStart && s.regionEnd == d.regionEnd;
    }

    /** Reads a state; an empty blob gives defaults (a project saved before AceForge was used). */
    public static Restored read(byte[] data) throws IOException {
        PluginSettings s = new PluginSettings();
        List<Variant> variants = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (data == null || data.length == 0) return new Restored(s, variants, notes);
        JsonNode n;
        try {
            n = JSON.readTree(new String(data, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new IOException("the saved AceForge state is damaged (not JSON); starting with defaults", e);
        }
        if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText())) throw new IOException("the saved state is not an AceForge state");
        JsonNode versionNode = n.path("version");
        if (!versionNode.canConvertToInt() || versionNode.asInt() < 1) throw new IOException("the saved AceForge state has no valid version");
        int version = versionNode.asInt();
        if (version > VERSION) throw new IOException("the project was saved by a newer AceForge (state version " + version + ")");
        Fields f = new Fields(notes);
        JsonNode st = n.path("settings");
        s.caption = f.text(st, "caption", s.caption);
        s.lyrics = f.text(st, "lyrics", s.lyrics);
        s.instrumental = f.bool(st, "instrumental", s.instrumental);
        s.duration = f.number(st, "duration", s.duration, 10, 600);
        s.variant = f.choice(st, "variant", s.variant, java.util.Arrays.stream(org.aceforge.engine.model.ModelPack.Variant.values())
                .map(org.aceforge.engine.model.ModelPack.Variant::id).toArray(String[]::new));
        s.modelDir = f.text(st, "modelDir", s.modelDir);
        s.seed = f.integer(st, "seed", s.seed, -1, Long.MAX_VALUE);
        JsonNode region = n.path("region");
        s.regionStart = f.number(region, "start", s.regionStart, -1, 1e7);
        s.regionEnd = f.number(region, "end", s.regionEnd, -1, 1e7);
        JsonNode list = n.path("variants");
        if (list.size() > MAX_VARIANTS) notes.add("The saved state lists " + list.size() + " variants; only the first " + MAX_VARIANTS + " are kept.");
        int i = 0;
        for (JsonNode v : list) {
            if (i++ >= MAX_VARIANTS) break;
            String path = f.text(v, "path", "");
            String hash = f.text(v, "sha256", "");
            Path file;
            try {
                file = path.isEmpty() || path.indexOf('\0') >= 0 ? null : Path.of(path);
            } catch (InvalidPathException e) {
                file = null;
            }
            if (file == null || !SHA256.matcher(hash).matches()) {
                notes.add("A saved variant entry was unreadable and was dropped.");
                continue;
            }
            int slot = (int) f.integer(v, "slot", -1, -1, HostPort.CLIP_SLOTS - 1);
            long start = f.integer(v, "timelineStart", 0, 0, Long.MAX_VALUE / 4);
            boolean placed = f.bool(v, "placed", false) && slot >= 0;
            variants.add(new Variant(file, hash, slot, start, placed));
        }
        return new Restored(s, variants, notes);
    }

    /** Typed field reads that fall back to a default and note it when a stored value is unusable. */
    private record Fields(List<String> notes) {
        private void note(String field) {
            notes.add("The saved AceForge setting \"" + field + "\" was invalid; its default is used.");
        }

        String text(JsonNode o, String field, String dflt) {
            JsonNode v = o.path(field);
            if (v.isMissingNode() || v.isNull()) return dflt;
            if (!v.isTextual() || v.asText().length() > MAX_TEXT) { note(field); return dflt; }
            return v.asText();
        }

        boolean bool(JsonNode o, String field, boolean dflt) {
            JsonNode v = o.path(field);
            if (v.isMissingNode() || v.isNull()) return dflt;
            if (!v.isBoolean()) { note(field); return dflt; }
            return v.asBoolean();
        }

        double number(JsonNode o, String field, double dflt, double min, double max) {
            JsonNode v = o.path(field);
            if (v.isMissingNode() || v.isNull()) return dflt;
            double d = v.isNumber() ? v.asDouble() : Double.NaN;
            if (!Double.isFinite(d) || d < min || d > max) { note(field); return dflt; }
            return d;
        }

        long integer(JsonNode o, String field, long dflt, long min, long max) {
            JsonNode v = o.path(field);
            if (v.isMissingNode() || v.isNull()) return dflt;
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) { note(field); return dflt; }
            return v.asLong();
        }

        String choice(JsonNode o, String field, String dflt, String... allowed) {
            String s = text(o, field, dflt);
            for (String a : allowed) if (a.equals(s)) return s;
            note(field);
            return dflt;
        }
    }
}
