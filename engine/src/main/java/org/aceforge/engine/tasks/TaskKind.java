package org.aceforge.engine.tasks;

import java.util.Locale;

/** What a render does: generate new music, or edit a source (repaint, cover/remix, extract, lego, complete). */
public enum TaskKind {
    TEXT2MUSIC, REPAINT, COVER, EXTRACT, LEGO, COMPLETE;

    /** The task from its name as users type it ("repaint"); null when there is no such task. */
    public static TaskKind parse(String s) {
        for (TaskKind t : values()) if (t.key().equals(s == null ? null : s.toLowerCase(Locale.ROOT))) return t;
        return null;
    }

    /** The name users type and sidecars record: "text2music", "repaint", … */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Edits a source file (every task but text2music). */
    public boolean hasSource() {
        return this != TEXT2MUSIC;
    }

    /** Only the base model was trained for it. */
    public boolean needsBase() {
        return this == EXTRACT || this == LEGO || this == COMPLETE;
    }

    /** Takes time regions (repaint: required; lego: at most one). */
    public boolean takesRegions() {
        return this == REPAINT || this == LEGO;
    }

    @Override
    public String toString() {
        return key();
    }
}
