package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/** Told after each sampler step; throwing (e.g. a cancellation) stops sampling between steps. */
@FunctionalInterface
public interface StepListener {
    void afterStep(int step, int total, Tensor3 latents) throws Exception;

    StepListener NONE = (s, n, x) -> {};
}
