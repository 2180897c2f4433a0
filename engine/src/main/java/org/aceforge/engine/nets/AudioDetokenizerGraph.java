package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * FSQ decode + the detokenizer ({@code detokenizer.*}): 5 Hz code {@code indices} [B, T5] → 25 Hz "LM hints"
 * {@code hints} [B, 5·T5, C]. Codes → values → project_out → embed_tokens → each token repeated 5× plus the learned
 * special_tokens → layers over positions 0..4 → norm → proj_out.
 */
public final class AudioDetokenizerGraph {
    public static final String NAME = "detokenizer";

    private AudioDetokenizerGraph() {}

    public static OnnxGraph build(AceStepConfig c, WeightSource all) {
        WeightSource tw = all.sub("tokenizer.");
        WeightSource w = all.sub("detokenizer.");
        OnnxGraph g = new OnnxGraph(NAME);
        int H = c.fsqDim(), pool = c.poolWindowSize();
        V idx = g.input("indices", DType.I64, "batch", "codes");
        V batch = g.dim(idx, 0);
        V values = Fsq.values(g, Fsq.levelsOfIndex(g, idx, c.fsqLevels()), c.fsqLevels());
        V quantized = g.linear(values, tw.get("quantizer.project_out.weight"), tw.get("quantizer.project_out.bias"));
        V h = g.linear(quantized, w.get("embed_tokens.weight"), w.get("embed_tokens.bias"));   // [B, T5, H]
        h = g.add(g.unsqueeze(h, 2), g.unsqueeze(g.weight(w.get("special_tokens")), 0));      // [B, T5, 5, H]
        h = g.reshape(h, -1, pool, H);
        h = ConditionEncoderGraph.layers(g, w, h, c, c.numAttentionPoolerLayers(), c.attention());
        V out = g.linear(h, w.get("proj_out.weight"), w.get("proj_out.bias"));
        out = g.reshape(out, g.concat(0, batch, g.longs(-1, c.latentChannels())));
        g.output(out, "detokenized", DType.F32, "batch", "frames", (long) c.latentChannels());
        return g;
    }
}
