package org.aceforge.engine.jobs;

import org.aceforge.engine.lm.LmOptions;

/**
 * What the 5 Hz LM does for a text2music render.
 *
 * @param think     write audio codes that the DiT follows (the LM plans the music), not only metadata
 * @param model     LM size or folder ("1.7B", "acestep-5Hz-lm-0.6B"); null or "auto" for the preferred installed one
 * @param describe  Simple mode: a description the LM turns into caption, lyrics and metadata first (null: none)
 * @param chunk     variants whose codes are decoded together (ParallelThinking; 1 = one at a time, less memory)
 * @param format    the LM first rewrites caption and lyrics into a detailed description ("format")
 * @param debug     constrained-decoding debug: the sidecar's {@code lm.trace} lists what each constrained step allowed
 */
public record LmRequest(boolean think, String model, LmOptions options, String describe, int chunk, boolean format, boolean debug) {
    public static final int MAX_DESCRIPTION = 2000;

    public static LmRequest thinking() {
        return new LmRequest(true, null, LmOptions.defaults(), null, 8, false, false);
    }

    void validate(String task) {
        if (!task.equals("text2music"))
            throw new BadRequestException("--think, --cot and --describe work with text2music only (the LM plans new music; --task is " + task + ")");
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        if (chunk < 1 || chunk > RenderRequest.MAX_BATCH) throw new BadRequestException("--lm-chunk " + chunk + " is out of range: use 1 to 8");
        if (describe != null && describe.length() > MAX_DESCRIPTION)
            throw new BadRequestException("--describe is " + describe.length() + " characters long: use at most " + MAX_DESCRIPTION);
        if (describe != null && describe.isBlank()) throw new BadRequestException("--describe must not be empty");
        if (describe != null && format) throw new BadRequestException("give either --describe or --format, not both");
    }
}
