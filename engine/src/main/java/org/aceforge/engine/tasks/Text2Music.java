package org.aceforge.engine.tasks;

import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.text.Prompts;

/**
 * New music from a caption and lyrics. The context is silence with the chunk mask "generate everywhere"; with 5 Hz
 * codes (the LM's or the user's) it is their detokenized latents, one per variant, let go after the code strength
 * fraction of the steps (spec §2.3 step 4, §2.4).
 */
public record Text2Music() implements Task {
    @Override
    public TaskKind kind() {
        return TaskKind.TEXT2MUSIC;
    }

    @Override
    public String instruction() {
        return Prompts.TEXT2MUSIC;
    }

    @Override
    public Conditioning condition(ConditionInput in) throws Exception {
        int T = in.silence().frames();
        if (in.codes() == null)
            return Conditioning.shared(in.silence(), Conditioning.ones(in), in, instruction(), null, null);
        Tensor3 hints = in.ops().detokenize(in.codes()).frames(0, T);
        return Conditioning.perVariant(hints, Conditioning.ones(in), in, instruction(), null, instruction());
    }
}
