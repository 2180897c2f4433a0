package org.aceforge.engine.jobs;

import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.tasks.TaskKind;

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

    /** Checks the LM's sampling options (also for the codes command). */
    public static LmOptions validate(LmOptions o) {
        if (!(o.temperature() >= 0 && o.temperature() <= 2)) throw new BadRequestException(RequestField.LM_TEMPERATURE, o.temperature() + " is out of range: use 0 to 2");
        if (!(o.cfgScale() >= 1 && o.cfgScale() <= 10)) throw new BadRequestException(RequestField.LM_CFG, o.cfgScale() + " is out of range: use 1 to 10");
        if (o.topK() < 0 || o.topK() > 1000) throw new BadRequestException(RequestField.LM_TOP_K, o.topK() + " is out of range: use 0 (off) to 1000");
        if (!(o.topP() > 0 && o.topP() <= 1)) throw new BadRequestException(RequestField.LM_TOP_P, o.topP() + " is out of range: use a value in (0, 1]");
        return o;
    }

    void validate(TaskKind task) {
        if (task != TaskKind.TEXT2MUSIC)
            throw new BadRequestException(RequestField.LM, "works with text2music only (the LM plans new music; {TASK} is " + task + ")");
        validate(options);
        if (chunk < 1 || chunk > Sampling.MAX_BATCH) throw new BadRequestException(RequestField.LM_CHUNK, chunk + " is out of range: use 1 to 8");
        if (describe != null && describe.length() > MAX_DESCRIPTION)
            throw new BadRequestException(RequestField.DESCRIBE, "is " + describe.length() + " characters long: use at most " + MAX_DESCRIPTION);
        if (describe != null && describe.isBlank()) throw new BadRequestException(RequestField.DESCRIBE, "must not be empty");
        if (describe != null && format) throw new BadRequestException(RequestField.DESCRIBE, "and {FORMAT} cannot be used together: choose one");
    }
}
