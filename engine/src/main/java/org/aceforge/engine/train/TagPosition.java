package org.aceforge.engine.train;

import java.util.Locale;

/** Where a dataset's activation tag goes in each sample's caption (the official builder's three choices). */
public enum TagPosition {
    PREPEND, APPEND, REPLACE;

    /** The name the dataset JSON and the command line use: "prepend", "append", "replace". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The position named {@code s} (any case), or null. */
    public static TagPosition parse(String s) {
        for (TagPosition p : values()) if (p.key().equalsIgnoreCase(s == null ? "" : s.strip())) return p;
        return null;
    }

    /** The caption a sample trains with: the tag before, after or instead of its own caption. */
    public String apply(String tag, String caption) {
        String c = caption == null ? "" : caption.strip();
        if (tag == null || tag.isBlank()) return c;
        String t = tag.strip();
        return switch (this) {
            case PREPEND -> c.isEmpty() ? t : t + ", " + c;
            case APPEND -> c.isEmpty() ? t : c + ", " + t;
            case REPLACE -> t;
        };
    }
}
