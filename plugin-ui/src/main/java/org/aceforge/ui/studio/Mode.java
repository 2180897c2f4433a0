package org.aceforge.ui.studio;

import org.aceforge.engine.tasks.TaskKind;

import java.util.Set;

/** The studio's modes, the engine task each runs, and the fields it shows. */
public enum Mode {
    SIMPLE(TaskKind.TEXT2MUSIC, fields("description", "instrumental", "language", "duration", "batch", "seed", "steps", "shift", "method", "guidance")),
    CUSTOM(TaskKind.TEXT2MUSIC, fields("caption", "lyrics", "instrumental", "language", "bpm", "key", "timesig", "duration", "ref",
            "codes", "codeStrength", "batch", "seed", "steps", "shift", "method", "guidance")),
    REMIX(TaskKind.COVER, fields("caption", "lyrics", "instrumental", "strength", "noise", "ref", "batch", "seed", "steps", "shift", "method", "guidance")),
    REPAINT(TaskKind.REPAINT, fields("caption", "lyrics", "instrumental", "repaintMode", "strength", "batch", "seed", "steps", "shift", "method", "guidance")),
    EXTRACT(TaskKind.EXTRACT, fields("track", "batch", "seed", "steps", "method", "guidance")),
    LEGO(TaskKind.LEGO, fields("track", "caption", "batch", "seed", "steps", "method", "guidance")),
    COMPLETE(TaskKind.COMPLETE, fields("tracks", "caption", "batch", "seed", "steps", "method", "guidance"));

    /** The sampler's internals: shown under "Advanced", closed by default. */
    public static final Set<String> ADVANCED = Set.of("shift", "timesteps", "adg", "cfgInterval");

    /** Every mode also has the output format and the sampler's advanced controls (turbo timesteps; base ADG/CFG interval). */
    private static Set<String> fields(String... own) {
        Set<String> s = new java.util.LinkedHashSet<>(java.util.List.of(own));
        s.addAll(java.util.List.of("audioFormat", "timesteps", "adg", "cfgInterval"));
        return java.util.Collections.unmodifiableSet(s);
    }

    public final TaskKind task;
    public final Set<String> fields;

    Mode(TaskKind task, Set<String> fields) {
        this.task = task;
        this.fields = fields;
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the 5 Hz LM takes part (its Think / ParallelThinking / CaptionRewrite toggles apply). */
    public boolean usesLm() {
        return task == TaskKind.TEXT2MUSIC;
    }

    public boolean needsSource() {
        return task.hasSource();
    }

    public boolean needsBase() {
        return task.needsBase();
    }

    /** Why the mode cannot run with the given model, or null when it can. */
    public String unavailableReason(String variant, boolean lmInstalled) {
        if (this == SIMPLE && !lmInstalled) return I18n.t("mode.needsLm");
        if (needsBase() && !"base".equals(variant)) return I18n.t("mode.needsBase");
        return null;
    }

    /** Whether a variant name is one of the turbo checkpoints (fixed steps, no guidance). */
    static boolean turbo(String variant) {
        org.aceforge.engine.model.ModelPack.Variant v = org.aceforge.engine.model.ModelPack.Variant.find(variant);
        return v == null || v.turbo();
    }
}
