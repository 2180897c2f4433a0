package org.aceforge.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a Hugging Face {@code config.json}, with typed look-ups that fall back to the reference defaults. */
final class ConfigJson {
    private final JsonNode node;
    private final Path path;

    private ConfigJson(JsonNode node, Path path) {
        this.node = node;
        this.path = path;
    }

    static ConfigJson read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException("missing " + path);
        try {
            JsonNode n = new ObjectMapper().readTree(path.toFile());
            if (n == null || !n.isObject()) throw new IOException(path + ": not a JSON object");
            return new ConfigJson(n, path);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(path + ": invalid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    int i(String key, int dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw bad(key, "a number");
        return v.asInt();
    }

    double d(String key, double dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw bad(key, "a number");
        return v.asDouble();
    }

    boolean b(String key, boolean dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    String s(String key, String dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    int[] ints(String key, int[] dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isArray()) throw bad(key, "a list of numbers");
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asInt();
        return out;
    }

    String[] strings(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        String[] out = new String[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asText();
        return out;
    }

    /**
     * RoPE's base frequency: top-level {@code rope_theta} (transformers < 5) or {@code rope_parameters.rope_theta}
     * (transformers ≥ 5 keeps it only there). Only the default rotary embedding is implemented: any other
     * {@code rope_type} (in {@code rope_parameters} or {@code rope_scaling}: linear, dynamic, yarn, llama3, …) is
     * refused rather than computed as something else.
     */
    double ropeTheta(double dflt) {
        for (String holder : new String[]{"rope_parameters", "rope_scaling"}) {
            JsonNode h = node.get(holder);
            if (h == null || h.isNull()) continue;
            if (!h.isObject()) throw bad(holder, "an object");
            JsonNode type = h.has("rope_type") ? h.get("rope_type") : h.get("type");
            if (type != null && !type.isNull() && !type.asText().equals("default"))
                throw new IllegalArgumentException(path + ": " + holder + ".rope_type '" + type.asText()
                        + "' is not supported (AceForge implements the default rotary embedding only)");
        }
        JsonNode params = node.get("rope_parameters");
        JsonNode nested = params == null || params.isNull() ? null : params.get("rope_theta");
        JsonNode top = node.get("rope_theta");
        if (nested != null && !nested.isNull() && !nested.isNumber()) throw bad("rope_parameters.rope_theta", "a number");
        if (top != null && !top.isNull() && !top.isNumber()) throw bad("rope_theta", "a number");
        boolean hasNested = nested != null && nested.isNumber(), hasTop = top != null && top.isNumber();
        if (hasNested && hasTop && nested.asDouble() != top.asDouble())
            throw new IllegalArgumentException(path + ": rope_theta " + top.asDouble() + " and rope_parameters.rope_theta "
                    + nested.asDouble() + " disagree");
        return hasNested ? nested.asDouble() : hasTop ? top.asDouble() : dflt;
    }

    private IllegalArgumentException bad(String key, String what) {
        return new IllegalArgumentException(path + ": '" + key + "' must be " + what);
    }
}
