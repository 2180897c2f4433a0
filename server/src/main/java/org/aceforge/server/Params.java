package org.aceforge.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of one API request, whichever way they came (a JSON object, a form, a multipart form), read by any of
 * their names (snake_case, camelCase and the aliases the ACE-Step API document lists; the first name is the one error
 * messages use). Metadata may also come nested in {@code metas}, {@code metadata} or {@code user_metadata}. Every
 * value of the wrong type is a 400 naming the field; absent, null and empty values read as absent.
 */
final class Params {
    private static final String[] NESTED = {"metas", "metadata", "user_metadata"};
    private final Map<String, JsonNode> fields;
    private final List<ObjectNode> nested = new ArrayList<>();

    private Params(Map<String, JsonNode> fields) {
        this.fields = fields;
        for (String n : NESTED) {
            JsonNode v = fields.get(n);
            if (v == null || v.isNull()) continue;
            if (v.isTextual() && !v.asText().isBlank()) {
                try {
                    v = Json.MAPPER.readTree(v.asText());
                } catch (JsonProcessingException e) {
                    throw ApiException.badRequest(n + ": is not a JSON object");
                }
            }
            if (v.isObject()) nested.add((ObjectNode) v);
            else if (!(v.isTextual() && v.asText().isBlank())) throw ApiException.badRequest(n + ": must be an object");
        }
    }

    static Params ofJson(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) return new Params(Map.of());
        if (!body.isObject()) throw ApiException.badRequest("the request body must be a JSON object");
        Map<String, JsonNode> m = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return new Params(m);
    }

    static Params ofForm(Map<String, List<String>> form) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        form.forEach((k, v) -> { if (!v.isEmpty()) m.put(k, TextNode.valueOf(v.get(0))); });
        return new Params(m);
    }

    /** The raw value under the first of {@code names} present (top level first, then the nested metadata), or null. */
    private Found find(String... names) {
        for (String n : names) {
            JsonNode v = fields.get(n);
            if (present(v)) return new Found(names[0], v);
        }
        for (ObjectNode o : nested)
            for (String n : names) {
                JsonNode v = o.get(n);
                if (present(v)) return new Found(names[0], v);
            }
        return null;
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull() && !(v.isTextual() && v.asText().isBlank());
    }

    private record Found(String name, JsonNode value) {}

    /** Every field as one JSON object (a form's values as text), for queueing the request as it came. */
    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        fields.forEach(o::set);
        return o;
    }

    boolean has(String... names) {
        return find(names) != null;
    }

    String text(String... names) {
        Found f = find(names);
        if (f == null) return null;
        if (f.value.isValueNode()) return f.value.asText();
        throw ApiException.badRequest(f.name + ": must be text, not " + kind(f.value));
    }

    /** Text or a list of texts (a JSON array, or the JSON text of one in a form). */
    List<String> texts(String... names) {
        Found f = find(names);
        if (f == null) return null;
        JsonNode v = f.value;
        if (v.isTextual() && v.asText().strip().startsWith("[")) {
            try {
                v = Json.MAPPER.readTree(v.asText());
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest(f.name + ": is not a JSON list");
            }
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode() || e.isNull()) throw ApiException.badRequest(f.name + ": every item must be text");
                out.add(e.asText());
            }
        } else if (v.isValueNode()) {
            out.add(v.asText());
        } else {
            throw ApiException.badRequest(f.name + ": must be text or a list, not " + kind(v));
        }
        return out;
    }

    Boolean bool(String... names) {
        Found f = find(names);
        if (f == null) return null;
        JsonNode v = f.value;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) return v.asLong() == 1;
        if (v.isTextual()) {
            switch (v.asText().strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on": return true;
                case "false", "0", "no", "off": return false;
                default: break;
            }
        }
        throw ApiException.badRequest(f.name + ": " + shown(v) + " is not true or false");
    }

    boolean bool(boolean otherwise, String... names) {
        Boolean b = bool(names);
        return b == null ? otherwise : b;
    }

    Long whole(String... names) {
        Found f = find(names);
        if (f == null) return null;
        JsonNode v = f.value;
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e15) return (long) v.asDouble();
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().strip());
            } catch (NumberFormatException e) {
                try {
                    double d = Double.parseDouble(v.asText().strip());
                    if (d == Math.rint(d) && Math.abs(d) < 1e15) return (long) d;
                } catch (NumberFormatException ignored) {
                    // fall through to the message
                }
            }
        }
        throw ApiException.badRequest(f.name + ": " + shown(v) + " is not a whole number");
    }

    Integer integer(String... names) {
        Long l = whole(names);
        if (l == null) return null;
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw ApiException.badRequest(names[0] + ": " + l + " is out of range");
        return l.intValue();
    }

    Double decimal(String... names) {
        Found f = find(names);
        if (f == null) return null;
        JsonNode v = f.value;
        double d;
        if (v.isNumber()) d = v.asDouble();
        else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(f.name + ": " + shown(v) + " is not a number");
            }
        } else throw ApiException.badRequest(f.name + ": " + shown(v) + " is not a number");
        if (!Double.isFinite(d)) throw ApiException.badRequest(f.name + ": " + shown(v) + " is not a finite number");
        return d;
    }

    private static String kind(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "an object" : v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /** A value as the message quotes it: short, on one line. */
    static String shown(JsonNode v) {
        String s = v.isValueNode() ? v.asText() : v.toString();
        s = s.replaceAll("[\\r\\n\\t]+", " ");
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }
}
