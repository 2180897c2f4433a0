package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The audio tokenizer ({@code tokenizer.*}): 25 Hz latents [B, T, C] (T a multiple of the pool window; the caller pads
 * with silence-latent frames) → 5 Hz FSQ codes {@code indices} [B, T/5] and {@code quantized} [B, T/5, fsq_dim]
 * (project_out of the codes). Each patch of 5 frames: audio_acoustic_proj → embed_tokens → special token prepended at
 * position 0 → pooler layers → norm → position 0 → project_in → FSQ.
 */
public final class AudioTokenizerGraph {
    public static final String NAME = "tokenizer";

    private AudioTokenizerGraph() {}

    public static OnnxGraph build(AceStepConfig c, WeightSource all) {
        WeightSource w = all.sub("tokenizer.");
        WeightSource pw = w.sub("attention_pooler.");
        OnnxGraph g = new OnnxGraph(NAME);
        int H = c.fsqDim(), pool = c.poolWindowSize();
        V lat = g.input("latents", DType.F32, "batch", "frames", (long) c.latentChannels());
        V batch = g.dim(lat, 0);
        V h = g.linear(lat, w.get("audio_acoustic_proj.weight"), w.get("audio_acoustic_proj.bias"));
        h = g.reshape(h, -1, pool, H);                                                    // [B·T5, 5, H]
        h = g.linear(h, pw.get("embed_tokens.weight"), pw.get("embed_tokens.bias"));
        V special = g.op("Expand", g.weight(pw.get("special_token")), g.concat(0, g.dim(h, 0), g.longs(1, H)));
        h = g.concat(1, special, h);                                                      // [B·T5, 6, H]
        h = ConditionEncoderGraph.layers(g, pw, h, c, c.numAttentionPoolerLayers(), poolerShape(c));
        V pooled = g.reshape(g.slice(h, 1, 0, 1), g.concat(0, batch, g.longs(-1, H)));    // [B, T5, H]
        V z = g.linear(pooled, w.get("quantizer.project_in.weight"), w.get("quantizer.project_in.bias"));
        V q = Fsq.levels(g, z, c.fsqLevels());
        V idx = Fsq.index(g, q, c.fsqLevels());
        V quantized = g.linear(Fsq.values(g, q, c.fsqLevels()), w.get("quantizer.project_out.weight"), w.get("quantizer.project_out.bias"));
        g.output(idx, "indices", DType.I64, "batch", "codes");
        g.output(quantized, "quantized", DType.F32, "batch", "codes", (long) H);
        g.output(z, "project_in", DType.F32, "batch", "codes", (long) c.fsqLevels().length);
        return g;
    }

    /** The pooler and detokenizer use the model's head layout at fsq width (= hidden size in real checkpoints). */
    static org.aceforge.engine.model.AttentionShape poolerShape(AceStepConfig c) {
        return c.attention();
    }
}
