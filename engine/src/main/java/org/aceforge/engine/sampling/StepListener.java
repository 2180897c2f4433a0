package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/**
 * Told after each sampler step; throwing (e.g. a cancellation) stops sampling between steps. The default methods let
 * a dump see what else the sampler draws and blends (render --dump).
 */
@FunctionalInterface
public interface StepListener {
    void afterStep(int step, int total, Tensor3 latents) throws Exception;

    /** The fresh SDE noise drawn at a step (before it is mixed in), [B, T, C]. */
    default void sdeNoise(int step, Tensor3 noise) throws Exception {}

    /** Repaint's final latents before and after the boundary blend with the source. */
    default void blended(Tensor3 sampled, Tensor3 blended) throws Exception {}

    StepListener NONE = (s, n, x) -> {};
}
