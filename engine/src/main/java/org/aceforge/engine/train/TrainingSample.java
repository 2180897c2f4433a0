package org.aceforge.engine.train;

import org.aceforge.engine.tensors.Tensor3;

/**
 * One preprocessed song, what a training step needs of it: its clean latents x₀ [1, T, C], the condition encoder's
 * states for its caption and lyrics [1, L, H], and its context latents [1, T, Cc] (text2music: silence and the
 * all-generate mask).
 */
public record TrainingSample(String id, Tensor3 latents, Tensor3 condition, Tensor3 context) {}
