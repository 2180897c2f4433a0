package org.aceforge.engine.model;

/** Head layout shared by every Qwen3-style attention in ACE-Step: GQA heads, head width, norm epsilon, RoPE base. */
public record AttentionShape(int heads, int kvHeads, int headDim, double eps, double ropeTheta) {
    public int qWidth() { return heads * headDim; }
    public int kvWidth() { return kvHeads * headDim; }
}
