package org.aceforge.engine.lm;

/**
 * How the 5 Hz LM samples and what it may decide (spec §2.1 defaults).
 *
 * @param temperature     ≤ 0 means greedy
 * @param cfgScale        classifier-free guidance of the codes phase (1 = off); the CoT phase always runs without
 * @param topK            0 = off
 * @param topP            ≥ 1 = off
 * @param negativePrompt  the unconditional caption ("NO USER INPUT" = none)
 * @param cotMetas        let the LM write bpm, key, time signature and duration the user left empty
 * @param cotCaption      replace the caption by the LM's rewritten caption (CaptionRewrite)
 * @param cotLanguage     let the LM choose the vocal language when it is "unknown"
 */
public record LmOptions(double temperature, double cfgScale, int topK, double topP, String negativePrompt,
                        boolean cotMetas, boolean cotCaption, boolean cotLanguage) {
    public static final String NO_USER_INPUT = "NO USER INPUT";

    public static LmOptions defaults() {
        return new LmOptions(0.85, 2.0, 0, 0.9, NO_USER_INPUT, true, true, true);
    }

    /** Whether the negative prompt says something (not empty and not the "no input" marker). */
    public boolean meaningfulNegative() {
        return negativePrompt != null && !negativePrompt.isBlank() && !negativePrompt.strip().equals(NO_USER_INPUT);
    }
}
