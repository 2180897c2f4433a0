package org.aceforge.engine.lm;

/**
 * The 5 Hz LM's chat prompts (spec §4.1–4.2), rendered as the Qwen3 chat template does; the codes-phase prompt keeps
 * the assistant turn open after the CoT ({@code <think>\n…</think>\n\n}), as a reference port that matches PyTorch's
 * logits does.
 */
public final class LmPrompts {
    public static final String GENERATE = "Generate audio semantic tokens based on the given conditions:";
    public static final String UNDERSTAND = "Understand the given musical conditions and describe the audio semantics accordingly:";
    public static final String INSPIRE = "Expand the user's input into a more detailed and specific musical description:";
    public static final String REWRITE = "Format the user's input into a more detailed and specific musical description:";

    private LmPrompts() {}

    static String system(String instruction) {
        return "<|im_start|>system\n# Instruction\n" + instruction + "\n\n<|im_end|>\n";
    }

    static String user(String content) {
        return "<|im_start|>user\n" + content + "<|im_end|>\n";
    }

    static String captionAndLyrics(String caption, String lyrics) {
        return "# Caption\n" + caption + "\n\n# Lyric\n" + lyrics + "\n";
    }

    /** The CoT phase: the assistant turn opened, the model (guided by the constraints) writes the think block. */
    public static String cot(String caption, String lyrics) {
        return system(GENERATE) + user(captionAndLyrics(caption, lyrics)) + "<|im_start|>assistant\n";
    }

    /** The codes phase: the CoT given, the model continues with audio codes. */
    public static String codes(String caption, String lyrics, String cotYaml) {
        return system(GENERATE) + user(captionAndLyrics(caption, lyrics)) + "<|im_start|>assistant\n<think>\n" + cotYaml + "</think>\n\n";
    }

    /** The unconditional codes prompt for guidance: an empty think block; the negative prompt as caption if any. */
    public static String codesUnconditional(String caption, String lyrics, LmOptions o) {
        String c = o.meaningfulNegative() ? o.negativePrompt() : caption;
        return system(GENERATE) + user(captionAndLyrics(c, lyrics)) + "<|im_start|>assistant\n<think>\n</think>\n\n";
    }

    /** "Format": caption and lyrics rewritten; empty caption → "NO USER INPUT", no lyrics → "[Instrumental]". */
    public static String format(String caption, String lyrics) {
        String c = caption == null || caption.isBlank() ? LmOptions.NO_USER_INPUT : caption;
        String l = lyrics == null || lyrics.isBlank() ? "[Instrumental]" : lyrics;
        return system(REWRITE) + user("# Caption\n" + c + "\n\n# Lyric\n" + l) + "<|im_start|>assistant\n";
    }

    /** Simple mode ("create sample"): a short description becomes caption, metadata and lyrics. */
    public static String inspire(String query, boolean instrumental) {
        String q = query == null || query.isBlank() ? LmOptions.NO_USER_INPUT : query.strip();
        return system(INSPIRE) + user(q + "\n\ninstrumental: " + instrumental) + "<|im_start|>assistant\n";
    }
}
