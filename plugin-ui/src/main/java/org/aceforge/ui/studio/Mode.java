package org.aceforge.ui.studio;

import java.util.Set;

/** The studio's modes, the engine task each runs, and the fields it shows. */
public enum Mode {
    SIMPLE("text2music", fields("description", "instrumental", "language", "duration", "batch", "seed", "steps", "shift", "method", "guidance")),
    CUSTOM("text2music", fields("caption", "lyrics", "instrumental", "language", "bpm", "key", "timesig", "duration", "ref",
            "codes", "codeStrength", "batch", "seed", "steps", "shift", "method", "guidance")),
    REMIX("cover", fields("caption", "lyrics", "instrumental", "strength", "noise", "ref", "batch", "seed", "steps", "shift", "guidance")),
    REPAINT("repaint", fields("caption", "lyrics", "instrumental", "repaintMode", "strength", "batch", "seed", "steps", "shift", "guidance")),
    EXTRACT("extract", fields("track", "batch", "seed", "steps", "guidance")),
    LEGO("lego", fields("track", "caption", "batch", "seed", "steps", "guidance")),
    COMPLETE("complete", fields("tracks", "caption", "batch", "seed", "steps", "guidance"));

    /** Every mode also has the output format and the sampler's advanced controls (turbo timesteps; base ADG/CFG interval). */
    private static Set<String> fields(String... own) {
        Set<String> s = new java.util.LinkedHashSet<>(java.util.List.of(own));
        s.addAll(java.util.List.of("audioFormat", "timesteps", "adg", "cfgInterval"));
        return java.util.Collections.unmodifiableSet(s);
    }

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
