package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The condition encoder ({@code encoder.*}): text projector, lyric encoder, timbre encoder and the packing of the
 * cross-attention sequence. Inputs {@code text_hidden_states} [B, Lt, Dtext], {@code lyric_hidden_states}
 * [B, Ll, Dtext], {@code refer_latents} [B·R, Tr, C] (R references per item, in order). Output
 * {@code encoder_hidden_states} [B, Ll + R + Lt, H] = lyrics ‖ timbre ‖ caption (all rows valid: every item of a batch
 * shares one caption and one lyric text, so there is no padding to sort).
 */
public final class ConditionEncoderGraph {
    public static final String NAME = "condition-encoder";

    private ConditionEncoderGraph() {}

    public static OnnxGraph build(AceStepConfig c, WeightSource all) {
        OnnxGraph g = new OnnxGraph(NAME);
        V refs = g.input("refer_latents", DType.F32, "refs", "ref_frames", (long) c.timbreHiddenDim());
        return packed(g, c, all, timbre(g, c, all, refs));
    }

    /**
     * The timbre encoder alone: {@code refer_latents} [N, Tr, C] → {@code timbre_states} [N, 1, H] (frame 0 of each
     * reference). Its own session so that a reference seen before — above all the silence every render without one
     * uses, ~300 of the ~550 GFLOP of conditioning at full size — is encoded once (see DitModel).
     */
    public static OnnxGraph timbreEncoder(AceStepConfig c, WeightSource all) {
        return timbreEncoder(c, all, null);
    }

    /** As {@link #timbreEncoder(AceStepConfig, WeightSource)}, its Linear layers on INT8 weights when {@code int8} is given. */
    public static OnnxGraph timbreEncoder(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8) {
        return timbreEncoder(c, all, int8, LayerForm.STANDARD);
    }

    /** As above, its layers' small operators in the given form. */
    public static OnnxGraph timbreEncoder(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                          LayerForm form) {
        OnnxGraph g = form.graph(NAME + "-timbre").int8(int8);
        V refs = g.input("refer_latents", DType.F32, "refs", "ref_frames", (long) c.timbreHiddenDim());
        g.output(timbre(g, c, all, refs), "timbre_states", DType.F32, "refs", 1L, (long) c.hiddenSize());
        return g;
    }

    /** The rest of the condition encoder, given the timbre encoder's {@code timbre_states} [B·R, 1, H]. */
    public static OnnxGraph givenTimbre(AceStepConfig c, WeightSource all) {
        return givenTimbre(c, all, null);
    }

    /** As {@link #givenTimbre(AceStepConfig, WeightSource)}, its Linear layers on INT8 weights when {@code int8} is given. */
    public static OnnxGraph givenTimbre(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8) {
        return givenTimbre(c, all, int8, LayerForm.STANDARD);
    }

    /** As above, its layers' small operators in the given form. */
    public static OnnxGraph givenTimbre(AceStepConfig c, WeightSource all, org.aceforge.engine.graph.Int8Weights int8,
                                        LayerForm form) {
        OnnxGraph g = form.graph(NAME + "-given-timbre").int8(int8);
        V timbre = g.input("timbre_states", DType.F32, "refs", 1L, (long) c.hiddenSize());
        return packed(g, c, all, timbre);
    }

    private static V timbre(OnnxGraph g, AceStepConfig c, WeightSource all, V refs) {
        V timbreAll = stack(g, all.sub("encoder.timbre_encoder."), refs, c, Math.min(c.numTimbreEncoderLayers(), c.numHiddenLayers()), c.attention());
        return g.slice(timbreAll, 1, 0, 1);                                     // frame 0 of each reference
    }

    /** Caption and lyrics encoded, packed with the timbre rows into the cross-attention sequence. */
    private static OnnxGraph packed(OnnxGraph g, AceStepConfig c, WeightSource all, V timbre) {
        WeightSource w = all.sub("encoder.");
        V text = g.input("text_hidden_states", DType.F32, "batch", "text_len", (long) c.textHiddenDim());
        V lyrics = g.input("lyric_hidden_states", DType.F32, "batch", "lyric_len", (long) c.textHiddenDim());
        V textProj = g.linear(text, w.get("text_projector.weight"), null);
        V lyricOut = stack(g, w.sub("lyric_encoder."), lyrics, c, Math.min(c.numLyricEncoderLayers(), c.numHiddenLayers()), c.attention());
        V batch = g.dim(text, 0);
        V perItem = g.reshape(timbre, g.concat(0, batch, g.longs(-1, c.hiddenSize())));
        V out = g.concat(1, lyricOut, perItem, textProj);
        g.output(out, "encoder_hidden_states", DType.F32, "batch", "cond_len", (long) c.hiddenSize());
        return g;
    }

    /** The lyric encoder alone ({@code lyric_hidden_states} → {@code lyric_out}), for probing. */
    public static OnnxGraph lyricEncoder(AceStepConfig c, WeightSource all) {
        OnnxGraph g = new OnnxGraph("lyric-encoder");
        V lyrics = g.input("lyric_hidden_states", DType.F32, "batch", "lyric_len", (long) c.textHiddenDim());
        V out = stack(g, all.sub("encoder.lyric_encoder."), lyrics, c, Math.min(c.numLyricEncoderLayers(), c.numHiddenLayers()), c.attention());
        g.output(out, "lyric_out", DType.F32, "batch", "lyric_len", (long) c.hiddenSize());
        return g;
    }

    /** embed_tokens (with bias) → layers (sliding/full by layer number) → norm. */
    static V stack(OnnxGraph g, WeightSource w, V x, AceStepConfig c, int layers, AttentionShape a) {
        V h = g.linear(x, w.get("embed_tokens.weight"), w.get("embed_tokens.bias"));
        return layers(g, w, h, c, layers, a);
    }

    /** Encoder layers then the final norm, on already-embedded h. */
    static V layers(OnnxGraph g, WeightSource w, V h, AceStepConfig c, int layers, AttentionShape a) {
        Transformer.Rope rope = Transformer.rope(g, h, a);
        V window = null;
        for (int i = 0; i < layers; i++) {
            V mask = null;
            if (c.sliding(i)) {
                if (window == null) window = Transformer.slidingMask(g, h, c.slidingWindow());
                mask = window;
            }
            h = Transformer.encoderLayer(g, w.sub("layers." + i + "."), h, a, rope, mask, false);
        }
        return Transformer.rmsNorm(g, w, "norm", h, a.eps());
    }
}
