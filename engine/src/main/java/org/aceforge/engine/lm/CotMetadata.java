package org.aceforge.engine.lm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The LM's chain of thought: metadata as the YAML block between {@code <think>} and {@code </think>}, keys in sorted
 * order (bpm, caption, duration, keyscale, language, timesignature), long captions folded at 80 columns with
 * two-space continuation lines as PyYAML writes them; the time signature "N/4" is written as N. Null = not known.
 */
public record CotMetadata(Integer bpm, String caption, Integer duration, String keyscale, String language,
                          Integer timesignature) {

    /** The YAML lines, each ending with a newline (without the think tags). */
    public String yaml() {
        StringBuilder s = new StringBuilder();
        if (bpm != null) s.append("bpm: ").append(bpm).append('\n');
        if (caption != null && !caption.isBlank()) s.append(folded("caption: ", caption.strip()));
        if (duration != null) s.append("duration: ").append(duration).append('\n');
        if (keyscale != null && !keyscale.isBlank()) s.append("keyscale: ").append(keyscale).append('\n');
        if (language != null && !language.isBlank()) s.append("language: ").append(language).append('\n');
        if (timesignature != null) s.append("timesignature: ").append(timesignature).append('\n');
        return s.toString();
    }

    /** A plain YAML scalar broken at spaces once a line has passed 80 columns. */
    static String folded(String key, String value) {
        StringBuilder out = new StringBuilder(key);
        int column = key.length();
        String[] words = value.split(" +");
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                if (column > 80) {
                    out.append("\n  ");
                    column = 2;
                } else {
                    out.append(' ');
                    column++;
                }
            }
            out.append(words[i]);
            column += words[i].length();
        }
        return out.append('\n').toString();
    }

    /** Reads the fields back from YAML text (continuation lines joined with single spaces; unknown keys ignored). */
    public static CotMetadata parse(String yaml) {
        Map<String, String> fields = new LinkedHashMap<>();
        String current = null;
        for (String line : yaml.split("\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                fields.merge(current, line.strip(), (a, b) -> a + " " + b);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            current = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            fields.put(current, line.substring(colon + 1).strip());
        }
        return new CotMetadata(integer(fields.get("bpm")), emptyToNull(unquote(fields.get("caption"))),
                integer(fields.get("duration")), emptyToNull(fields.get("keyscale")), emptyToNull(fields.get("language")),
                integer(timeSig(fields.get("timesignature"))));
    }

    private static String timeSig(String s) {
        return s != null && s.endsWith("/4") ? s.substring(0, s.length() - 2) : s;
    }

    private static String unquote(String s) {
        if (s != null && s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\"")))
            return s.substring(1, s.length() - 1);
        return s;
    }

    private static Integer integer(String s) {
        if (s == null) return null;
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** All four musical fields are known (then the CoT phase has nothing to decide about them). */
    public boolean metasComplete() {
        return bpm != null && duration != null && keyscale != null && timesignature != null;
    }
}
