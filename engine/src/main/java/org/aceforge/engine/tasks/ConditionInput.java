package org.aceforge.engine.tasks;

import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.timeline.Timeline;

/**
 * What a task builds its context from.
 *
 * @param source       the source's VAE latents [1, T, C] (null for text2music)
 * @param silence      the silence latent [1, T, C]
 * @param timeline     the render's timeline (regions → latent frames)
 * @param batch        variants rendered together
 * @param codes        5 Hz audio codes per variant that text2music follows (null: none)
 * @param ops          the DiT's latent transforms (FSQ round trip, detokenizer)
 * @param explicitMask keep the 0/1 chunk mask; false (the default, "auto") sets it to 2.0 everywhere
 */
public record ConditionInput(Tensor3 source, Tensor3 silence, Timeline timeline, int batch, long[][] codes,
                             LatentOps ops, boolean explicitMask) {}
