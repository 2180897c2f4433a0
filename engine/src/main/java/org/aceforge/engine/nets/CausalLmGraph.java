package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * A Qwen3 causal LM (the 5 Hz LM) for prefill and decode with a key/value cache that the caller owns:
 * {@code input_ids} [B, S], {@code logit_positions} [K] (which of the S positions get logits: all for a test, the
 * last for generation, so a 217k-wide vocabulary is projected once per step), {@code seqlens_k} [B] int32 (tokens in
 * the cache after this call, minus one), {@code total_sequence_length} int32 scalar, and per layer
 * {@code past_key_i}/{@code past_value_i} [B, kvHeads, capacity, headDim]. Attention is ONNX Runtime's
 * GroupQueryAttention (causal, rotary applied inside from cos/sin tables); when the caller pins each
 * {@code present_*} output to the very tensor it passed as {@code past_*}, the new keys are written in place and a
 * decode step costs the same at any length (docs: ORT-OPS §4).
 */
public final class CausalLmGraph {
    public static final String NAME = "causal-lm";
    /** Rows of the rotary tables, the longest sequence (prompt + generated) a cache may hold. */
    public static final int MAX_POSITIONS = 8192;

    private CausalLmGraph() {}

    public static String pastKey(int layer) { return "past_key_" + layer; }
    public static String pastValue(int layer) { return "past_value_" + layer; }
    public static String presentKey(int layer) { return "present_key_" + layer; }
    public static String presentValue(int layer) { return "present_value_" + layer; }

    /** weights: a Qwen3ForCausalLM checkpoint, with or without the {@code model.} prefix. */
    public static OnnxGraph build(Qwen3Config c, WeightSource all) {
        return build(c, all, null);
    }

    /** With {@code int8} non-null, every Linear layer and the output projection run on int8 weights. */
    public static OnnxGraph build(Qwen3Config c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8) {
        WeightSource w = TextEncoderGraph.prefixless(all);
        AttentionShape a = c.attention();
        OnnxGraph g = new OnnxGraph(NAME).int8(int8);
        V ids = g.input("input_ids", DType.I64, "batch", "tokens");
        V positions = g.input("logit_positions", DType.I64, "outputs");
        V seqlens = g.input("seqlens_k", DType.I32, "batch");
        V total = g.input("total_sequence_length", DType.I32);
        V[] rope = rotaryTables(g, a);
        V h = g.gather(g.weight(w.get("embed_tokens.weight")), ids, 0);
        Attr[] gqa = {Attr.i("num_heads", a.heads()), Attr.i("kv_num_heads", a.kvHeads()),
                Attr.f("scale", 1.0 / Math.sqrt(a.headDim())), Attr.i("do_rotary", 1), Attr.i("rotary_interleaved", 0)};
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            WeightSource l = w.sub("layers." + i + ".");
            WeightSource at = l.sub("self_attn.");
            V n = Transformer.rmsNorm(g, l, "input_layernorm", h, a.eps());
            V q = g.reshape(Transformer.headNorm(g, at, "q_norm", g.linear(n, at.get("q_proj.weight"), null), a.heads(), a), 0, 0, (long) a.qWidth());
            V k = g.reshape(Transformer.headNorm(g, at, "k_norm", g.linear(n, at.get("k_proj.weight"), null), a.kvHeads(), a), 0, 0, (long) a.kvWidth());
            V v = g.linear(n, at.get("v_proj.weight"), null);
            V pastK = g.input(pastKey(i), DType.F32, "batch", (long) a.kvHeads(), "capacity", (long) a.headDim());
            V pastV = g.input(pastValue(i), DType.F32, "batch", (long) a.kvHeads(), "capacity", (long) a.headDim());
            V[] out = g.msOpN("GroupQueryAttention", 3, gqa, q, k, v, pastK, pastV, seqlens, total, rope[0], rope[1]);
            g.output(out[1], presentKey(i), DType.F32, "batch", (long) a.kvHeads(), "capacity", (long) a.headDim());
            g.output(out[2], presentValue(i), DType.F32, "batch", (long) a.kvHeads(), "capacity", (long) a.headDim());
            h = g.add(h, g.linear(out[0], at.get("o_proj.weight"), null));
            V n2 = Transformer.rmsNorm(g, l, "post_attention_layernorm", h, a.eps());
            h = g.add(h, Transformer.mlp(g, l.sub("mlp."), n2));
        }
        h = Transformer.rmsNorm(g, w, "norm", g.gather(h, positions, 1), a.eps());
        // Gemm with transB reads the [vocab, hidden] table as stored: with tied embeddings no transposed copy is made.
        var headWeight = c.tieWordEmbeddings() || !all.has("lm_head.weight") ? w.get("embed_tokens.weight") : all.get("lm_head.weight");
        V flat = g.reshape(h, -1, c.hiddenSize());
        V logits = int8 != null ? g.linear(flat, headWeight, null)
                : g.op("Gemm", new Attr[]{Attr.i("transB", 1)}, flat, g.weight(headWeight));
        V shape = g.concat(0, g.dim(h, 0), g.dim(h, 1), g.longs(-1));
        g.output(g.reshape(logits, shape), "logits", DType.F32, "batch", "outputs", (long) c.vocabSize());
        return g;
    }

    /** cos/sin [MAX_POSITIONS, D/2] of position × θ^(−2k/D), rotate-half layout. */
    private static V[] rotaryTables(OnnxGraph g, AttentionShape a) {
        int half = a.headDim() / 2;
        float[] cos = new float[MAX_POSITIONS * half], sin = new float[MAX_POSITIONS * half];
        for (int k = 0; k < half; k++) {
            float invFreq = (float) (1.0 / Math.pow(a.ropeTheta(), (2.0 * k) / a.headDim()));
            for (int p = 0; p < MAX_POSITIONS; p++) {
                float angle = p * invFreq;
                cos[p * half + k] = (float) Math.cos(angle);
                sin[p * half + k] = (float) Math.sin(angle);
            }
        }
        return new V[]{g.constant(cos, MAX_POSITIONS, half), g.constant(sin, MAX_POSITIONS, half)};
    }
}
