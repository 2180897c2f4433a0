package org.aceforge.engine.jobs;

import org.aceforge.engine.tasks.TaskKind;

/**
 * Every value a request may leave open, resolved here and nowhere else (ACE-Step 1.5's defaults, spec §2 and the
 * API's; the sidecar records what was used).
 */
public final class Defaults {
    /** Timestep shift, turbo and base/SFT. */
    public static final double SHIFT = 3.0;
    /** Steps of the base/SFT sampler (turbo has its fixed 8-step table). */
    public static final int BASE_STEPS = 32;
    /** Classifier-free guidance of base/SFT. */
    public static final double GUIDANCE = 7.0;
    /** Remix (cover) follows the source all the way by default. */
    public static final double COVER_STRENGTH = 1.0;
    /** Repaint and the other edits: half way. */
    public static final double EDIT_STRENGTH = 0.5;
    public static final org.aceforge.engine.tasks.RepaintMode REPAINT_MODE = org.aceforge.engine.tasks.RepaintMode.BALANCED;
    /** The DiT variant: turbo (8 steps, no guidance). */
    public static final org.aceforge.engine.model.ModelPack.Variant VARIANT = org.aceforge.engine.model.ModelPack.Variant.TURBO;
    public static final double NOISE_STRENGTH = 0;
    public static final String LANGUAGE = "unknown";

    private Defaults() {}

    /** The strength of a task when none is given. */
    public static double strength(TaskKind task, Double given) {
        return given != null ? given : task == TaskKind.COVER ? COVER_STRENGTH : EDIT_STRENGTH;
    }
}
