package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The flow-matching DiT ({@code decoder.*}): one velocity prediction per call.
 * Inputs: {@code hidden_states} [B, T, C] (x_t), {@code context_latents} [B, T, 2C] (src ‖ mask),
 * {@code encoder_hidden_states} [B, L, H] (packed condition, before condition_embedder), {@code timestep} [B].
 * Output: {@code velocity} [B, T, C].
 */
public final class DitGraph {
    public static final String NAME = "dit";

    private DitGraph() {}

    public static OnnxGraph build(AceStepConfig c, WeightSource all) {
        return build(c, all, null);
    }

    /** With {@code int8} non-null, the transformer's Linear layers run on int8 weights (MatMulNBits). */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8) {
        return build(c, all, int8, null, 0);
    }

    /** As above, with a LoRA adapter applied at the given scale (null: none). */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                  org.aceforge.engine.graph.LowRankUpdates lora, double loraScale) {
        return build(c, all, int8, lora, loraScale, null);
    }

    /** Output name of the raw cross-attention scores of a layer (auto-LRC). */
    public static String crossScores(int layer) {
        return "cross_scores_" + layer;
    }

    /**
     * As above; for each layer in {@code alignHeads} the raw cross-attention scores q·kᵀ/√d of the listed heads are
     * also output as {@code cross_scores_<layer>} [B, heads, tokens, condition length] (auto-LRC, spec §4.9).
     */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                  org.aceforge.engine.graph.LowRankUpdates lora, double loraScale,
                                  java.util.Map<Integer, int[]> alignHeads) {
        return build(c, all, int8, lora, loraScale, alignHeads, false);
    }

    /** Input names of layer i's precomputed cross-attention keys and values (see {@link #crossKeysAndValues}). */
    public static String crossKey(int layer) {
        return "cross_k_" + layer;
    }

    public static String crossValue(int layer) {
        return "cross_v_" + layer;
    }

    /**
     * What every step's cross-attention computes from the condition alone: the condition embedder, then each layer's
     * keys and values, as outputs {@code cross_k_i} / {@code cross_v_i} [B, L, kvWidth]. They are the same at every
     * step of a render (the condition does not change), so a render computes them once instead of once per step.
     */
    public static OnnxGraph crossKeysAndValues(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                               org.aceforge.engine.graph.LowRankUpdates lora, double loraScale) {
        WeightSource w = all.sub("decoder.");
        OnnxGraph g = new OnnxGraph(NAME + "-cross-kv").int8(int8).lora(lora, loraScale);
        int H = c.hiddenSize();
        V enc = g.input("encoder_hidden_states", DType.F32, "batch", "cond_len", (long) H);
        V cond = g.linear(enc, w.get("condition_embedder.weight"), w.get("condition_embedder.bias"));
        AttentionShape a = c.attention();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            V[] kv = Transformer.keysAndValues(g, w.sub("layers." + i + ".cross_attn."), cond, a);
            g.output(kv[0], crossKey(i), DType.F32, "batch", "cond_len", (long) a.kvWidth());
            g.output(kv[1], crossValue(i), DType.F32, "batch", "cond_len", (long) a.kvWidth());
        }
        return g;
    }

    /**
     * The DiT; with {@code givenCrossKv} it reads each layer's cross-attention keys and values from the inputs
     * {@code cross_k_i} / {@code cross_v_i} instead of computing them from {@code encoder_hidden_states} (which it then
     * does not take).
     */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                  org.aceforge.engine.graph.LowRankUpdates lora, double loraScale,
                                  java.util.Map<Integer, int[]> alignHeads, boolean givenCrossKv) {
        return build(c, all, int8, lora, loraScale, alignHeads, givenCrossKv, true);
    }

    /**
     * As above; {@code chunkSelfAttention} false computes each self-attention in one piece. Training does: its
     * backward pass holds the whole score matrix anyway, and the chunks' run-time lengths would hide the sequence's
     * shape from the gradient builder (see graph.StaticShapes).
     */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                  org.aceforge.engine.graph.LowRankUpdates lora, double loraScale,
                                  java.util.Map<Integer, int[]> alignHeads, boolean givenCrossKv, boolean chunkSelfAttention) {
        return build(new OnnxGraph(NAME), c, all, int8, lora, loraScale, alignHeads, givenCrossKv, chunkSelfAttention);
    }

    /** As above, into a graph the caller made (one with fixed sizes, say: {@link OnnxGraph#fixSizes}). */
    public static OnnxGraph build(OnnxGraph g, AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                  org.aceforge.engine.graph.LowRankUpdates lora, double loraScale,
                                  java.util.Map<Integer, int[]> alignHeads, boolean givenCrossKv, boolean chunkSelfAttention) {
        WeightSource w = all.sub("decoder.");
        g.int8(int8).lora(lora, loraScale);
        int C = c.latentChannels(), H = c.hiddenSize(), P = c.patchSize();
        V xt = g.input("hidden_states", DType.F32, "batch", "frames", (long) C);
        V ctx = g.input("context_latents", DType.F32, "batch", "frames", (long) (c.inChannels() - C));
        V enc = givenCrossKv ? null : g.input("encoder_hidden_states", DType.F32, "batch", "cond_len", (long) H);
        V t = g.input("timestep", DType.F32, "batch");
        Front f = front(g, c, w, xt, ctx, enc, t);
        V x = f.x();

        AttentionShape a = c.attention();
        Transformer.Rope rope = Transformer.rope(g, x, a);
        V window = null;
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            V mask = null;
            if (c.sliding(i)) {
                if (window == null) window = Transformer.slidingMask(g, x, c.slidingWindow());
                mask = window;
            }
            int[] heads = alignHeads == null ? null : alignHeads.get(i);
            V[] kv = givenCrossKv ? new V[]{g.input(crossKey(i), DType.F32, "batch", "cond_len", (long) a.kvWidth()),
                    g.input(crossValue(i), DType.F32, "batch", "cond_len", (long) a.kvWidth())} : null;
            x = layer(g, w.sub("layers." + i + "."), x, f.cond(), kv, f.proj(), a, rope, mask, mask == null ? 0 : c.slidingWindow(), i, heads,
                    chunkSelfAttention);
        }
        g.output(back(g, c, w, x, f.temb(), f.frames()), "velocity", DType.F32, "batch", "frames", (long) C);
        return g;
    }

    /**
     * What the layers read besides the hidden states: the patched input {@code x} [B, T/P, H], the embedded condition
     * {@code cond} [B, L, H] (null when not computed here), the time embedding {@code temb} [B, H], its AdaLN
     * projection {@code proj} [B, 6, H], and the input's frame count {@code frames} (a 1-element shape value).
     */
    public record Front(V x, V cond, V temb, V proj, V frames) {}

    /** The DiT before its layers, from x_t, the context latents, the condition states (or null) and the timestep. */
    public static Front front(OnnxGraph g, AceStepConfig c, WeightSource w, V xt, V ctx, V enc, V t) {
        int H = c.hiddenSize(), P = c.patchSize();
        // Both time embeddings; at inference r = t so time_embed_r sees t − r = 0, but it must still be added.
        TimestepEmbedding.Out et = TimestepEmbedding.build(g, w.sub("time_embed."), t);
        TimestepEmbedding.Out er = TimestepEmbedding.build(g, w.sub("time_embed_r."), g.sub(t, t));
        V temb = g.add(et.temb(), er.temb());                                          // [B, H]
        V proj = g.reshape(g.add(et.proj(), er.proj()), 0, 6, H);                       // [B, 6, H]

        // Context first, then x_t; pad one zero frame when T is not a multiple of the patch.
        V x = g.concat(-1, ctx, xt);                                                     // [B, T, Cin]
        V frames = g.dim(x, 1);
        V pad = g.op("Mod", g.sub(g.longs(P), g.op("Mod", frames, g.longs(P))), g.longs(P));
        V pads = g.concat(0, g.longs(0, 0, 0, 0), pad, g.longs(0));
        x = g.op("Pad", x, pads);
        // Conv1d(k = stride = P) as a matmul over patches: weight [H, Cin, P] → [P·Cin, H].
        TensorData inW = w.get("proj_in.1.weight");
        V wIn = g.reshape(g.transpose(g.weight(inW), 2, 1, 0), (long) P * c.inChannels(), H);
        x = g.add(g.matMul(g.reshape(x, 0, -1, (long) P * c.inChannels()), wIn), g.weight(w.get("proj_in.1.bias")));

        V cond = enc == null ? null : g.linear(enc, w.get("condition_embedder.weight"), w.get("condition_embedder.bias"));
        return new Front(x, cond, temb, proj, frames);
    }

    /** The DiT after its layers: the final AdaLN, and each token back to P frames, cut to {@code frames} [1]. */
    public static V back(OnnxGraph g, AceStepConfig c, WeightSource w, V x, V temb, V frames) {
        int C = c.latentChannels(), H = c.hiddenSize(), P = c.patchSize();
        AttentionShape a = c.attention();
        // Final AdaLN: (table + temb) split into shift, scale.
        V table = g.add(g.weight(w.get("scale_shift_table")), g.unsqueeze(temb, 1));    // [B, 2, H]
        V[] ss = g.split(table, 1, 1, 1);
        x = Transformer.modulatedNorm(g, w, "norm_out", x, ss[0], ss[1], a.eps());

        // ConvTranspose1d(k = stride = P): weight [H, C, P] → [H, P·C], each token becomes P frames.
        TensorData outW = w.get("proj_out.1.weight");
        V wOut = g.reshape(g.transpose(g.weight(outW), 0, 2, 1), H, (long) P * C);
        V bOut = g.op("Tile", g.weight(w.get("proj_out.1.bias")), g.longs(P));
        V y = g.reshape(g.add(g.matMul(x, wOut), bOut), 0, -1, C);
        return g.slice(y, 1, g.longs(0), frames);
    }

    /**
     * One DiT layer (w: its weights, "layers.i." stripped): AdaLN-modulated self-attention (masked to the sliding
     * window of ±{@code window} tokens where {@code mask} is given), cross-attention to {@code cond} (or to given keys
     * and values), and the MLP.
     */
    public static V layer(OnnxGraph g, WeightSource w, V x, V cond, V[] crossKv, V proj, AttentionShape a, Transformer.Rope rope,
                          V mask, int window, int layer, int[] alignHeads, boolean chunkSelfAttention) {
        V mod = g.add(g.weight(w.get("scale_shift_table")), proj);                      // [B, 6, H]
        V[] m = g.split(mod, 1, 1, 1, 1, 1, 1, 1);
        // m: shift_msa, scale_msa, gate_msa, c_shift, c_scale, c_gate, each [B, 1, H]
        V n = Transformer.modulatedNorm(g, w, "self_attn_norm", x, m[0], m[1], a.eps());
        V h = Transformer.gatedResidual(g, x, m[2], Transformer.attention(g, w.sub("self_attn."), n, n, a, rope, mask, window, false, chunkSelfAttention));
        V cn = Transformer.rmsNorm(g, w, "cross_attn_norm", h, a.eps());
        if (alignHeads != null)
            g.output(crossScores(g, w.sub("cross_attn."), cn, cond, a, alignHeads), crossScores(layer), DType.F32,
                    "batch", (long) alignHeads.length, "tokens", "cond_len");
        h = g.add(h, crossKv != null ? Transformer.attentionGivenKv(g, w.sub("cross_attn."), cn, crossKv[0], crossKv[1], a)
                : Transformer.attention(g, w.sub("cross_attn."), cn, cond, a, null, null, false));
        V mn = Transformer.modulatedNorm(g, w, "mlp_norm", h, m[3], m[4], a.eps());
        return Transformer.gatedResidual(g, h, m[5], Transformer.mlp(g, w.sub("mlp."), mn));
    }

    /** Raw scores q·kᵀ/√d [B, heads, T, L] of chosen heads of a cross-attention (GQA: head h reads kv head h / group). */
    static V crossScores(OnnxGraph g, WeightSource w, V x, V kv, AttentionShape a, int[] heads) {
        V q = Transformer.headNorm(g, w, "q_norm", g.linear(x, w.get("q_proj.weight"), null), a.heads(), a);
        V k = Transformer.headNorm(g, w, "k_norm", g.linear(kv, w.get("k_proj.weight"), null), a.kvHeads(), a);
        V qt = g.transpose(q, 0, 2, 1, 3);   // [B, H, T, D]
        V kt = g.transpose(k, 0, 2, 3, 1);   // [B, G, D, L]
        int group = a.heads() / a.kvHeads();
        V[] parts = new V[heads.length];
        for (int j = 0; j < heads.length; j++) {
            int h = heads[j], kvh = h / group;
            parts[j] = g.mul(g.matMul(g.slice(qt, 1, h, h + 1), g.slice(kt, 1, kvh, kvh + 1)), g.scalar(1.0 / Math.sqrt(a.headDim())));
        }
        return parts.length == 1 ? parts[0] : g.concat(1, parts);
    }
}
