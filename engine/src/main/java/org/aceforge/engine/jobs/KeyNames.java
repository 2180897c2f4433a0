package org.aceforge.engine.jobs;

import java.util.regex.Pattern;

/** Musical keys as users type them: "C major", "Am", "F# minor", "Bb", "E♭ major". */
public final class KeyNames {
    private static final Pattern KEY = Pattern.compile("(?i)^\\s*[A-G]([#b♯♭])?\\s*(m|min|minor|maj|major)?\\s*$");

    private KeyNames() {}

    public static boolean isValid(String key) {
        return key != null && KEY.matcher(key).matches();
    }
}
