package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

/**
 * Qwen3-style transformer pieces shared by every ACE-Step network: RMSNorm, GQA attention with per-head q/k norm and
 * rotate-half RoPE, SwiGLU MLP, the pre-norm encoder layer, and the masks (sliding window |i−j| ≤ w, causal).
 */
public final class Transformer {
    private Transformer() {}

    /**
     * RoPE tables for one sequence length: cos and sin of position × inv_freq [S, D/2], and the positions [B, S] that
     * index them (what ONNX's RotaryEmbedding reads).
     */
    public record Rope(V cos, V sin, V positions) {}

    /** Builds the tables for positions 0..S−1 of x [B, S, ·]; angles are position × inv_freq in float32. */
    public static Rope rope(OnnxGraph g, V x, AttentionShape a) {
        int half = a.headDim() / 2;
        float[] invFreq = new float[half];
        for (int k = 0; k < half; k++) invFreq[k] = (float) (1.0 / Math.pow(a.ropeTheta(), (2.0 * k) / a.headDim()));
        V range = g.op("Range", g.longScalar(0), g.squeeze(g.dim(x, 1), 0), g.longScalar(1));
        V freqs = g.matMul(g.unsqueeze(g.cast(range, DType.F32), 1), g.constant(invFreq, 1, half));   // [S, D/2]
        V positions = g.op("Expand", g.unsqueeze(range, 0), g.concat(0, g.dim(x, 0), g.dim(x, 1)));  // [B, S]
        return new Rope(g.cos(freqs), g.sin(freqs), positions);
    }

    /**
     * x·cos + rotate_half(x)·sin on [B, S, heads·D], as ONNX's RotaryEmbedding (opset 23): one operator instead of
     * six (two slices, a negation, a concatenation, two products and a sum), 4× faster at 125 tokens and 10× at 1 500
     * on 2 AVX2 cores (docs/benchmarks.md, 2026-12-01 fifth).
     */
    public static V applyRope(OnnxGraph g, V x, Rope r, int heads) {
        return g.op("RotaryEmbedding", new Attr[]{Attr.i("num_heads", heads), Attr.i("interleaved", 0)}, x, r.cos(), r.sin(), r.positions());
    }

    /**
     * Per-head RMSNorm (Qwen3's q_norm / k_norm) of a projection [B, S, heads·D], then RoPE where {@code rope} is given,
     * as [B, S, heads·D]: one fused operator (RmsNorm / RmsNormRope) in graphs with {@link OnnxGraph#fusedLayers()}.
     */
    public static V normedHeads(OnnxGraph g, WeightSource w, String norm, V x, int heads, AttentionShape a, Rope rope) {
        if (g.fusedLayers()) {
            V weight = g.weight(w.get(norm + ".weight")), eps = epsilon(g, a.eps());
            return rope == null ? g.aceforgeOp("RmsNorm", x, weight, eps) : g.aceforgeOp("RmsNormRope", x, weight, eps, rope.cos(), rope.sin());
        }
        V normed = g.reshape(headNorm(g, w, norm, x, heads, a), 0, 0, (long) heads * a.headDim());
        return rope == null ? normed : applyRope(g, normed, rope, heads);
    }

    /** The fused norms' epsilon, a float [1] input (AceForge's operators take no float attributes). */
    private static V epsilon(OnnxGraph g, double eps) {
        return g.constant(new float[]{(float) eps}, 1);
    }

    /**
     * AdaLN: RMSNorm(x)·(1 + scale) + shift, with shift and scale [B, 1, H] (one fused AdaRmsNorm in graphs with
     * {@link OnnxGraph#fusedLayers()}).
     */
    public static V modulatedNorm(OnnxGraph g, WeightSource w, String name, V x, V shift, V scale, double eps) {
        if (g.fusedLayers())
            return g.aceforgeOp("AdaRmsNorm", x, g.weight(w.get(name + ".weight")), epsilon(g, eps), shift, scale);
        return g.add(g.mul(rmsNorm(g, w, name, x, eps), g.add(g.scalar(1), scale)), shift);
    }

    /** x + gate·y with gate [B, 1, H] (one fused GatedAdd in graphs with {@link OnnxGraph#fusedLayers()}). */
    public static V gatedResidual(OnnxGraph g, V x, V gate, V y) {
        return g.fusedLayers() ? g.aceforgeOp("GatedAdd", x, gate, y) : g.add(x, g.mul(gate, y));
    }

    /** Per-head RMSNorm (Qwen3's q_norm / k_norm) of a projection [B, S, heads·D] → [B, S, heads, D]. */
    public static V headNorm(OnnxGraph g, WeightSource w, String norm, V x, int heads, AttentionShape a) {
        return g.rmsNorm(g.reshape(x, 0, 0, heads, a.headDim()), g.weight(w.get(norm + ".weight")), a.eps());
    }

    /** Bool [S, S] mask, true where |i − j| ≤ window (bidirectional sliding window). */
    public static V slidingMask(OnnxGraph g, V x, int window) {
        V idx = g.op("Range", g.longScalar(0), g.squeeze(g.dim(x, 1), 0), g.longScalar(1));
        V diff = g.op("Abs", g.sub(g.unsqueeze(idx, 1), g.unsqueeze(idx, 0)));
        return g.op("LessOrEqual", diff, g.longScalar(window));
    }

    /**
     * Attention with q from x and k/v from kv (self-attention when kv == x): projections, per-head q/k RMSNorm,
     * optional RoPE (self-attention only), scaled-dot-product attention (opset-23 Attention, native GQA), o_proj.
     */
    public static V attention(OnnxGraph g, WeightSource w, V x, V kv, AttentionShape a, Rope rope, V mask, boolean causal) {
        return attention(g, w, x, kv, a, rope, mask, causal, false);
    }

    /** The keys and values of an attention for {@code kv} [B, L, in]: k_proj + k_norm (no RoPE) and v_proj, [B, L, kvWidth]. */
    public static V[] keysAndValues(OnnxGraph g, WeightSource w, V kv, AttentionShape a) {
        V k = normedHeads(g, w, "k_norm", g.linear(kv, w.get("k_proj.weight"), null), a.kvHeads(), a, null);
        return new V[]{k, g.linear(kv, w.get("v_proj.weight"), null)};
    }

    /** A cross-attention (no RoPE, no mask) given its keys and values from {@link #keysAndValues}. */
    public static V attentionGivenKv(OnnxGraph g, WeightSource w, V x, V k, V v, AttentionShape a) {
        V q = normedHeads(g, w, "q_norm", g.linear(x, w.get("q_proj.weight"), null), a.heads(), a, null);
        Attr[] attrs = {Attr.i("q_num_heads", a.heads()), Attr.i("kv_num_heads", a.kvHeads()),
                Attr.f("scale", 1.0 / Math.sqrt(a.headDim())), Attr.i("is_causal", 0)};
        return g.linear(g.op("Attention", attrs, q, k, v), w.get("o_proj.weight"), null);
    }

    /** As above; {@code chunkQueries} computes self-attention in query slices (bounded memory on long sequences). */
    public static V attention(OnnxGraph g, WeightSource w, V x, V kv, AttentionShape a, Rope rope, V mask, boolean causal,
                              boolean chunkQueries) {
        return attention(g, w, x, kv, a, rope, mask, 0, causal, chunkQueries);
    }

    /**
     * As above, where {@code mask} is the sliding window of ±{@code window} tokens ({@link #slidingMask}; 0: any other
     * mask or none): with {@code chunkQueries}, each query slice then attends only to the keys its window reaches
     * ({@link #windowedAttention}).
     */
    public static V attention(OnnxGraph g, WeightSource w, V x, V kv, AttentionShape a, Rope rope, V mask, int window,
                              boolean causal, boolean chunkQueries) {
        V q, k, v;
        if (kv == x) {   // self-attention: one matmul where the INT8 kernel gains by it (OnnxGraph#linears)
            V[] qkv = g.linears(x, w.get("q_proj.weight"), w.get("k_proj.weight"), w.get("v_proj.weight"));
            q = qkv[0];
            k = qkv[1];
            v = qkv[2];
        } else {
            q = g.linear(x, w.get("q_proj.weight"), null);
            k = g.linear(kv, w.get("k_proj.weight"), null);
            v = g.linear(kv, w.get("v_proj.weight"), null);
        }
        q = normedHeads(g, w, "q_norm", q, a.heads(), a, rope);
        k = normedHeads(g, w, "k_norm", k, a.kvHeads(), a, rope);
        Attr[] attrs = {Attr.i("q_num_heads", a.heads()), Attr.i("kv_num_heads", a.kvHeads()),
                Attr.f("scale", 1.0 / Math.sqrt(a.headDim())), Attr.i("is_causal", causal ? 1 : 0)};
        V out = chunkQueries && kv == x ? (mask != null && window > 0 ? windowedAttention(g, attrs, q, k, v, mask, window)
                : chunkedAttention(g, attrs, q, k, v, mask))
                : mask == null ? g.op("Attention", attrs, q, k, v) : g.op("Attention", attrs, q, k, v, mask);
        return g.linear(out, w.get("o_proj.weight"), null);
    }

    /**
     * Self-attention over long sequences in {@link #QUERY_CHUNKS} slices of the queries (all keys each), so the score
     * matrix held at once is at most max(S/N, {@link #MIN_QUERY_CHUNK}) × S instead of S × S: a 600 s DiT sequence
     * (7500 tokens, 16 heads) needs ~0.5 GB per slice instead of 3.6 GB. Sequences up to MIN_QUERY_CHUNK tokens
     * (an 80 s song) take an If's other branch, one call: the slices' seven one-query calls past the end and their
     * shape arithmetic cost ~30 ms of a 10 s song's DiT step (24 layers). ONNX Runtime rejects empty query slices, so a
     * slice past the end is the last query again, its row cut off with the others past S after the concatenation.
     */
    static V chunkedAttention(OnnxGraph g, Attr[] attrs, V q, V k, V v, V mask) {
        return chunkedAttention(g, attrs, q, k, v, mask, MIN_QUERY_CHUNK);
    }

    /** As above with a given smallest slice (tests use a few queries, to cover every path at small sizes). */
    static V chunkedAttention(OnnxGraph g, Attr[] attrs, V q, V k, V v, V mask, long minChunk) {
        V len = g.dim(q, 1);
        return g.ifElse(g.op("LessOrEqual", len, g.longs(minChunk)), DType.F32,
                () -> mask == null ? g.op("Attention", attrs, q, k, v) : g.op("Attention", attrs, q, k, v, mask),
                () -> slices(g, attrs, q, k, v, mask, len, minChunk, QUERY_CHUNKS, -1));
    }

    /**
     * Sliding-window self-attention (|i − j| ≤ {@code window}, the mask from {@link #slidingMask}) in
     * {@link #WINDOW_SLICES} query slices, each against only the keys and values its window reaches: for a query slice
     * [start, end) the keys [start − window, end + window), cut to the sequence. The rows are the same as one call's
     * (the keys left out are the masked ones, whose weights are exactly 0), at a fraction of the work on long sequences:
     * a 120 s song's 1 500 tokens in slices of 94 queries see at most 350 keys instead of 1 500. Up to
     * {@link #WINDOW_SLICES_FROM} tokens one call (there the slices' overhead outweighs the keys saved). A slice past the
     * end is the last query again, cut off after the concatenation, as in {@link #chunkedAttention}.
     */
    static V windowedAttention(OnnxGraph g, Attr[] attrs, V q, V k, V v, V mask, int window) {
        return windowedAttention(g, attrs, q, k, v, mask, window, WINDOW_SLICES_FROM, MIN_WINDOW_SLICE);
    }

    /** As above with a given one-call length and smallest slice (tests use a few queries, to cover every path). */
    static V windowedAttention(OnnxGraph g, Attr[] attrs, V q, V k, V v, V mask, int window, long oneCallUpTo, long minChunk) {
        V len = g.dim(q, 1);
        return g.ifElse(g.op("LessOrEqual", len, g.longs(oneCallUpTo)), DType.F32,
                () -> g.op("Attention", attrs, q, k, v, mask),
                () -> slices(g, attrs, q, k, v, mask, len, minChunk, WINDOW_SLICES, window));
    }

    /**
     * Self-attention in {@code count} query slices of at least {@code minChunk} queries, each against every key
     * ({@code window} < 0) or against the keys its window of ±{@code window} reaches.
     */
    private static V slices(OnnxGraph g, Attr[] attrs, V q, V k, V v, V mask, V len, long minChunk, int count, int window) {
        V last = g.sub(len, g.longs(1));
        V chunk = g.op("Max", g.div(g.add(len, g.longs(count - 1)), g.longs(count)), g.longs(minChunk));
        V[] parts = new V[count];
        for (int i = 0; i < count; i++) {
            V start = i == 0 ? g.longs(0) : g.op("Min", g.mul(chunk, g.longs(i)), last);
            V end = g.op("Max", g.op("Min", g.mul(chunk, g.longs(i + 1)), len), g.add(start, g.longs(1)));
            V qi = g.slice(q, 1, start, end), ki = k, vi = v;
            V rows = mask == null ? null : g.slice(mask, 0, start, end);
            if (window >= 0) {
                V from = g.op("Max", g.sub(start, g.longs(window)), g.longs(0));
                V to = g.op("Min", g.add(end, g.longs(window)), len);
                ki = g.slice(k, 1, from, to);
                vi = g.slice(v, 1, from, to);
                rows = g.slice(rows, 1, from, to);
            }
            parts[i] = rows == null ? g.op("Attention", attrs, qi, ki, vi) : g.op("Attention", attrs, qi, ki, vi, rows);
        }
        return g.slice(g.concat(1, parts), 1, g.longs(0), len);
    }

    /**
     * Query slices of the sliding-window self-attention, the fewest queries in one, and the longest sequence computed
     * in one call.
     */
    public static final int WINDOW_SLICES = 16, MIN_WINDOW_SLICE = 64, WINDOW_SLICES_FROM = 512;

    /** Query slices of the chunked self-attention, and the fewest queries in one. */
    public static final int QUERY_CHUNKS = 8, MIN_QUERY_CHUNK = 1024;

    /** down(silu(gate(x))·up(x)). */
    public static V mlp(OnnxGraph g, WeightSource w, V x) {
        TensorData gate = w.get("gate_proj.weight"), up = w.get("up_proj.weight");
        V act;
        if (g.fusedLayers()) {   // SwiGlu reads the INT8 kernel's joined product in place of a Split
            V joined = g.joinedLinear(x, gate, up);
            act = joined != null ? g.aceforgeOp("SwiGlu", joined) : g.aceforgeOp("SiluMul", g.linear(x, gate, null), g.linear(x, up, null));
        } else {
            V[] gateUp = g.linears(x, gate, up);
            act = g.mul(g.silu(gateUp[0]), gateUp[1]);
        }
        return g.linear(act, w.get("down_proj.weight"), null);
    }

    public static V rmsNorm(OnnxGraph g, WeightSource w, String name, V x, double eps) {
        V weight = g.weight(w.get(name + ".weight"));
        return g.fusedLayers() ? g.aceforgeOp("RmsNorm", x, weight, epsilon(g, eps)) : g.rmsNorm(x, weight, eps);
    }

    /** Pre-norm layer: h = x + attn(norm(x)); out = h + mlp(norm(h)). */
    public static V encoderLayer(OnnxGraph g, WeightSource w, V x, AttentionShape a, Rope rope, V mask, boolean causal) {
        V n = rmsNorm(g, w, "input_layernorm", x, a.eps());
        V h = g.add(x, attention(g, w.sub("self_attn."), n, n, a, rope, mask, causal));
        V n2 = rmsNorm(g, w, "post_attention_layernorm", h, a.eps());
        return g.add(h, mlp(g, w.sub("mlp."), n2));
    }
}
