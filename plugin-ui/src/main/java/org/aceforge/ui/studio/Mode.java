package org.aceforge.ui.studio;

import java.util.Set;

/** The studio's modes, the engine task each runs, and the fields it shows. */
public enum Mode {
    SIMPLE("text2music", Set.of("description", "instrumental", "language", "duration", "batch", "seed", "steps", "shift", "method", "guidance")),
    CUSTOM("text2music", Set.of("caption", "lyrics", "instrumental", "language", "bpm", "key", "timesig", "duration", "ref",
            "batch", "seed", "steps", "shift", "method", "guidance")),
    REMIX("cover", Set.of("caption", "lyrics", "instrumental", "strength", "noise", "ref", "batch", "seed", "steps", "shift", "guidance")),
    REPAINT("repaint", Set.of("caption", "lyrics", "instrumental", "repaintMode", "strength", "batch", "seed", "steps", "shift", "guidance")),
    EXTRACT("extract", Set.of("track", "batch", "seed", "steps", "guidance")),
    LEGO("lego", Set.of("track", "caption", "batch", "seed", "steps", "guidance")),
    COMPLETE("complete", Set.of("tracks", "caption", "batch", "seed", "steps", "guidance"));

    public final String task;
    public final Set<String> fields;

    Mode(String task, Set<String> fields) {
        this.task = task;
        this.fields = fields;
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean needsSource() {
        return !task.equals("text2music");
    }

    public boolean needsBase() {
        return this == EXTRACT || this == LEGO || this == COMPLETE;
    }

    /** Why the mode cannot run with the given model, or null when it can. */
    public String unavailableReason(String variant, boolean lmInstalled) {
        if (this == SIMPLE && !lmInstalled) return I18n.t("mode.needsLm");
        if (needsBase() && !"base".equals(variant)) return I18n.t("mode.needsBase");
        return null;
    }
}
