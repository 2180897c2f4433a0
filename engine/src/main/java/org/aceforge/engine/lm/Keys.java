package org.aceforge.engine.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The 70 key names the LM may write (A–G × "", #, b, ♯, ♭ × major/minor) and the canonical form of a user's key. */
public final class Keys {
    public static final List<String> ALL;
    private static final Pattern KEY = Pattern.compile("(?i)^\\s*([A-G])([#b♯♭])?\\s*(m|min|minor|maj|major)?\\s*$");

    static {
        List<String> k = new ArrayList<>();
        for (String note : new String[]{"A", "B", "C", "D", "E", "F", "G"})
            for (String acc : new String[]{"", "#", "b", "♯", "♭"})
                for (String mode : new String[]{"major", "minor"}) k.add(note + acc + " " + mode);
        ALL = List.copyOf(k);
    }

    private Keys() {}

    /** "am" → "A minor", "F#" → "F# major", "Bb min" → "Bb minor"; null when it is not a key. */
    public static String canonical(String key) {
        if (key == null) return null;
        Matcher m = KEY.matcher(key);
        if (!m.matches()) return null;
        String mode = m.group(3) == null ? "major" : m.group(3).toLowerCase(Locale.ROOT).startsWith("m") && !m.group(3).toLowerCase(Locale.ROOT).startsWith("maj") ? "minor" : "major";
        return m.group(1).toUpperCase(Locale.ROOT) + (m.group(2) == null ? "" : m.group(2)) + " " + mode;
    }
}
