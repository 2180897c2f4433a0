package org.aceforge.engine.tasks;

import org.aceforge.engine.tensors.Tensor3;

/** The DiT's latent transforms a task's context may need (the model implements them; tests can stand in). */
public interface LatentOps {
    /** Latents [B, T, C] through the 5 Hz tokenizer and back (cover's source, spec §3). */
    Tensor3 fsqRoundTrip(Tensor3 latents) throws Exception;

    /** 5 Hz codes per variant → 25 Hz context latents [B, 5·n, C]. */
    Tensor3 detokenize(long[][] codes) throws Exception;
}
