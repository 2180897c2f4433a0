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

    /** Checks ranges; the message names the option as the command line spells it. */
    public LmOptions validate() {
        if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("--lm-temperature " + temperature + " is out of range: use 0 to 2");
        if (!(cfgScale >= 1 && cfgScale <= 10)) throw new IllegalArgumentException("--lm-cfg " + cfgScale + " is out of range: use 1 to 10");
        if (topK < 0 || topK > 1000) throw new IllegalArgumentException("--lm-top-k " + topK + " is out of range: use 0 (off) to 1000");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--lm-top-p " + topP + " is out of range: use a value in (0, 1]");
        return this;
    }

    /** Whether the negative prompt says something (not empty and not the "no input" marker). */
    public boolean meaningfulNegative() {
        return negativePrompt != null && !negativePrompt.isBlank() && !negativePrompt.strip().equals(NO_USER_INPUT);
    }
}
