package org.aceforge.engine.request;

/**
 * A user-facing input of a render request. Every front end names it its own way: the command line by its flag, the
 * studio by its label (message key {@code field.<key>} of the UI's bundles), the server by its JSON field (the
 * ACE-Step REST API's name where it has one). A {@link BadRequestException} carries the field and the problem; the
 * front end puts its name in front ({@link FieldNames}).
 */
public enum RequestField {
    TASK("--task", "task", "task_type"),
    CAPTION("--caption", "caption", "caption"),
    LYRICS("--lyrics", "lyrics", "lyrics"),
    LANGUAGE("--language", "language", "vocal_language"),
    BPM("--bpm", "bpm", "bpm"),
    KEY("--key", "key", "key_scale"),
    TIME_SIGNATURE("--timesig", "timesig", "time_signature"),
    DURATION("--duration", "duration", "audio_duration"),
    BATCH("--batch", "batch", "batch_size"),
    SEED("--seed", "seed", "seed"),
    STEPS("--steps", "steps", "inference_steps"),
    SHIFT("--shift", "shift", "shift"),
    METHOD("--method", "method", "infer_method"),
    TIMESTEPS("--timesteps", "timesteps", "timesteps"),
    INITIAL_NOISE("--noise", "initialNoise", "initial_noise"),
    GUIDANCE("--guidance", "guidance", "guidance_scale"),
    CFG_INTERVAL("--cfg-interval", "cfgInterval", "cfg_interval_start"),
    VARIANT("--variant", "variant", "model"),
    OUTPUT("--out", "output", "audio_format"),
    SOURCE("--src", "source", "src_audio_path"),
    REGION("--range", "region", "repainting_start"),
    TRACK("--track", "track", "track"),
    TRACKS("--tracks", "tracks", "complete_tracks"),
    STRENGTH("--strength", "strength", "audio_cover_strength"),
    NOISE_STRENGTH("--noise-strength", "noise", "cover_noise_strength"),
    REFERENCE("--ref", "ref", "reference_audio_path"),
    REPAINT_MODE("--repaint-mode", "repaintMode", "repaint_mode"),
    HANDLES("--handles", "handles", "repaint_handles"),
    REGION_ONLY("--region-only", "regionOnly", "region_only"),
    CODES("--codes", "codes", "audio_code_string"),
    CODE_STRENGTH("--code-strength", "codeStrength", "audio_code_strength"),
    LRC("--lrc", "lrc", "lrc"),
    LORA("--lora", "lora", "lora_path"),
    LORA_SCALE("--lora-scale", "loraScale", "lora_scale"),
    LM("--think", "lm", "thinking"),
    LM_TEMPERATURE("--lm-temperature", "lmTemperature", "lm_temperature"),
    LM_CFG("--lm-cfg", "lmCfg", "lm_cfg_scale"),
    LM_TOP_K("--lm-top-k", "lmTopK", "lm_top_k"),
    LM_TOP_P("--lm-top-p", "lmTopP", "lm_top_p"),
    LM_CHUNK("--lm-chunk", "lmChunk", "lm_batch_chunk_size"),
    DESCRIBE("--describe", "description", "sample_query"),
    FORMAT("--format", "format", "use_format");

    private final String flag, key, json;

    RequestField(String flag, String key, String json) {
        this.flag = flag;
        this.key = key;
        this.json = json;
    }

    /** The command-line flag. */
    public String flag() { return flag; }

    /** The studio's message key suffix: its label is {@code field.<key>}. */
    public String key() { return key; }

    /** The JSON field of the server's API. */
    public String json() { return json; }
}
