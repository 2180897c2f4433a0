package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The Qwen3 text encoder (Qwen3-Embedding-0.6B) for the caption: {@code input_ids} [B, L] → {@code last_hidden_state}
 * [B, L, hidden] after the final norm; causal attention, no attention mask, no pooling. Lyrics use only the embedding
 * table (output {@code embeddings}, also looked up directly by TextEncoderModel).
 */
public final class TextEncoderGraph {
    public static final String NAME = "text-encoder";

    private TextEncoderGraph() {}

    /** weights: a Qwen3Model checkpoint, with or without the {@code model.} prefix. */
    public static OnnxGraph build(Qwen3Config c, WeightSource weights) {
        return build(c, weights, null);
    }

    /** As above, the Linear layers on INT8 weights ({@code int8} over the prefixless weights; null: fp32). */
    public static OnnxGraph build(Qwen3Config c, WeightSource weights, org.aceforge.engine.graph.Int8Weights int8) {
        return build(c, weights, int8, LayerForm.STANDARD);
    }

    /** As above, the layers' small operators in the given form. */
    public static OnnxGraph build(Qwen3Config c, WeightSource weights, org.aceforge.engine.graph.Int8Weights int8, LayerForm form) {
        WeightSource w = int8 != null ? int8 : prefixless(weights);
        OnnxGraph g = form.graph(NAME).int8(int8);
        V ids = g.input("input_ids", DType.I64, "batch", "tokens");
        V h = g.gather(g.weight(w.get("embed_tokens.weight")), ids, 0);
        // The lyrics path: rows of the embedding table only (no transformer).
        g.output(h, "embeddings", DType.F32, "batch", "tokens", (long) c.hiddenSize());
        AttentionShape a = c.attention();
        Transformer.Rope rope = Transformer.rope(g, h, a);
        for (int i = 0; i < c.numHiddenLayers(); i++)
            h = Transformer.encoderLayer(g, w.sub("layers." + i + "."), h, a, rope, null, true);
        h = Transformer.rmsNorm(g, w, "norm", h, a.eps());
        g.output(h, "last_hidden_state", DType.F32, "batch", "tokens", (long) c.hiddenSize());
        return g;
    }

    public static WeightSource prefixless(WeightSource w) {
        return w.has("model.embed_tokens.weight") ? w.sub("model.") : w;
    }
}
