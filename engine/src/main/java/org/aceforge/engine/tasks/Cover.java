package org.aceforge.engine.tasks;

import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.text.Prompts;

/**
 * Remix: new music that follows the source's structure (spec §3): the source latents go through the 5 Hz tokenizer
 * and back (keeping structure, losing detail) and condition the first {@code strength} fraction of the steps; then
 * the context is let go to silence with the text2music instruction.
 *
 * @param strength how long the source is followed (1: all steps)
 * @param noise    how much of the source is blended into the starting noise (0: none)
 */
public record Cover(double strength, double noise) implements Task {
    public Cover {
        RegionChecks.checkStrength(strength, RequestField.STRENGTH);
        RegionChecks.checkStrength(noise, RequestField.NOISE_STRENGTH);
    }

    @Override
    public TaskKind kind() {
        return TaskKind.COVER;
    }

    @Override
    public String instruction() {
        return Prompts.COVER;
    }

    @Override
    public Conditioning condition(ConditionInput in) throws Exception {
        return Conditioning.shared(in.ops().fsqRoundTrip(in.source().copy()), Conditioning.ones(in), in, instruction(), null,
                Prompts.TEXT2MUSIC);
    }

    @Override
    public SamplerSettings sampler(SamplerSettings s) {
        return s.withCover(strength, noise);
    }
}
