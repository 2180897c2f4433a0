package org.aceforge.engine.jobs;

import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;

import java.nio.file.Path;

/**
 * Which models run, and how.
 *
 * @param dir       the model folder (null: the installed default, or the embedded demo pack)
 * @param int8      the DiT (and the LM) run on int8 weights: faster on CPU, slightly different audio
 * @param lora      a PEFT LoRA adapter folder for the DiT (null: none), applied at {@code loraScale}
 */
public record ModelChoice(Path dir, ModelPack.Variant variant, boolean int8, Path lora, double loraScale) {
    /** The variant's name as users type it and sidecars record it. */
    public String variantKey() {
        return variant.id();
    }

    void validate() {
        if (!(loraScale >= 0 && loraScale <= 4)) throw new BadRequestException(RequestField.LORA_SCALE, loraScale + " is out of range: use 0 to 4");
    }
}
