package org.aceforge.engine.pipeline;

import org.aceforge.engine.model.LoraAdapter;

/**
 * How the DiT runs: on int8 weights or fp32, and with a LoRA adapter (read once, when the request is submitted) or without.
 *
 * @param loraScale multiplies the adapter's alpha / r (the reference's LoRA scale slider; 1 = as trained)
 */
public record DitOptions(boolean int8, LoraAdapter lora, double loraScale) {
    public static final DitOptions DEFAULT = new DitOptions(false, null, 1.0);

    /** A key for "the same models are loaded". */
    public String key() {
        return (int8 ? "int8" : "fp32") + (lora == null ? "" : "#lora=" + lora.folder().toAbsolutePath() + "@" + loraScale);
    }
}
