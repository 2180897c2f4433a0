package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/**
 * What the DiT is conditioned on for a batch: packed encoder states [B, L, H] (before condition_embedder) and context
 * latents [B, T, 2C] (source ‖ chunk mask).
 */
public record Condition(Tensor3 encoderStates, Tensor3 contextLatents) {

    /** CFG batch: this condition followed by the null condition broadcast over the same encoder length. */
    public Condition withUnconditional(float[] nullEmbedding) {
        Tensor3 e = encoderStates;
        int H = e.channels();
        if (nullEmbedding.length != H) throw new IllegalArgumentException("null_condition_emb width " + nullEmbedding.length + " != " + H);
        float[] nul = new float[e.data().length];
        for (int r = 0; r < e.batch() * e.frames(); r++) System.arraycopy(nullEmbedding, 0, nul, r * H, H);
        return new Condition(Tensor3.concatBatch(e, new Tensor3(nul, e.batch(), e.frames(), H)),
                Tensor3.concatBatch(contextLatents, contextLatents));
    }
}
