package org.aceforge.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every tensor a checkpoint must hold, with its shape, derived from its config.json alone (so other sizes — the
 * 0.6B/1.7B/4B LMs, future variants — are checked by the same rules). The names and shapes are those of the
 * official checkpoints (spec §1–§2; the tiny fixtures saved by the official code are checked against them).
 */
public final class ExpectedTensors {
    private ExpectedTensors() {}

    /** The ACE-Step 1.5 DiT checkpoint: decoder, condition encoder, 5 Hz tokenizer and detokenizer, null condition. */
    public static Map<String, long[]> dit(AceStepConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize(), i = c.intermediateSize();
        String d = "decoder.";
        m.put(d + "proj_in.1.weight", shape(h, c.inChannels(), c.patchSize()));
        m.put(d + "proj_in.1.bias", shape(h));
        for (String te : new String[]{"time_embed.", "time_embed_r."}) {
            linear(m, d + te + "linear_1", h, 256, true);
            linear(m, d + te + "linear_2", h, h, true);
            linear(m, d + te + "time_proj", 6 * h, h, true);
        }
        linear(m, d + "condition_embedder", h, h, true);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = d + "layers." + l + ".";
            m.put(p + "self_attn_norm.weight", shape(h));
            attention(m, p + "self_attn.", c, h);
            m.put(p + "cross_attn_norm.weight", shape(h));
            attention(m, p + "cross_attn.", c, h);
            m.put(p + "mlp_norm.weight", shape(h));
            mlp(m, p + "mlp.", h, i);
            m.put(p + "scale_shift_table", shape(1, 6, h));
        }
        m.put(d + "norm_out.weight", shape(h));
        m.put(d + "proj_out.1.weight", shape(h, c.latentChannels(), c.patchSize()));
        m.put(d + "proj_out.1.bias", shape(c.latentChannels()));
        m.put(d + "scale_shift_table", shape(1, 2, h));

        String e = "encoder.";
        linear(m, e + "text_projector", h, c.textHiddenDim(), false);
        linear(m, e + "lyric_encoder.embed_tokens", h, c.textHiddenDim(), true);
        encoderLayers(m, e + "lyric_encoder.", c, c.numLyricEncoderLayers());
        linear(m, e + "timbre_encoder.embed_tokens", h, c.timbreHiddenDim(), true);
        encoderLayers(m, e + "timbre_encoder.", c, c.numTimbreEncoderLayers());
        m.put(e + "timbre_encoder.special_token", shape(1, 1, h));

        String k = "tokenizer.";
        linear(m, k + "audio_acoustic_proj", h, c.latentChannels(), true);
        linear(m, k + "attention_pooler.embed_tokens", h, h, true);
        m.put(k + "attention_pooler.special_token", shape(1, 1, h));
        encoderLayers(m, k + "attention_pooler.", c, c.numAttentionPoolerLayers());
        linear(m, k + "quantizer.project_in", c.fsqLevels().length, c.fsqDim(), true);
        linear(m, k + "quantizer.project_out", c.fsqDim(), c.fsqLevels().length, true);

        String dt = "detokenizer.";
        linear(m, dt + "embed_tokens", h, c.fsqDim(), true);
        m.put(dt + "special_tokens", shape(1, c.poolWindowSize(), h));
        for (int l = 0; l < c.numAttentionPoolerLayers(); l++) encoderLayer(m, dt + "layers." + l + ".", c, h, i);
        m.put(dt + "norm.weight", shape(h));
        linear(m, dt + "proj_out", c.latentChannels(), h, true);
        m.put("null_condition_emb", shape(1, 1, h));
        return m;
    }

    /** The Oobleck VAE (weight-normed convolutions, Snake activations). */
    public static Map<String, long[]> vae(VaeConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        int n = c.downsamplingRatios().length;
        long[] cm = new long[n + 1];
        cm[0] = 1;
        for (int x = 0; x < n; x++) cm[x + 1] = c.channelMultiples()[x];
        long e = c.encoderHiddenSize(), dch = c.decoderChannels();
        conv(m, "encoder.conv1", e * cm[0], c.audioChannels(), 7, true);
        for (int b = 0; b < n; b++) {
            String p = "encoder.block." + b + ".";
            long in = e * cm[b], out = e * cm[b + 1];
            for (int u = 1; u <= 3; u++) residual(m, p + "res_unit" + u + ".", in);
            snake(m, p + "snake1", in);
            conv(m, p + "conv1", out, in, 2L * c.downsamplingRatios()[b], true);
        }
        snake(m, "encoder.snake1", e * cm[n]);
        conv(m, "encoder.conv2", e, e * cm[n], 3, true);
        conv(m, "decoder.conv1", dch * cm[n], c.latentChannels(), 7, true);
        for (int b = 0; b < n; b++) {
            String p = "decoder.block." + b + ".";
            long in = dch * cm[n - b], out = dch * cm[n - b - 1], s = c.downsamplingRatios()[n - 1 - b];
            snake(m, p + "snake1", in);
            m.put(p + "conv_t1.weight_v", shape(in, out, 2 * s));
            m.put(p + "conv_t1.weight_g", shape(in, 1, 1));
            m.put(p + "conv_t1.bias", shape(out));
            for (int u = 1; u <= 3; u++) residual(m, p + "res_unit" + u + ".", out);
        }
        snake(m, "decoder.snake1", dch);
        conv(m, "decoder.conv2", c.audioChannels(), dch, 7, false);
        return m;
    }

    /** A Qwen3 stack: the text encoder ({@code prefix} "") or a 5 Hz LM ({@code "model."}, lm_head unless tied). */
    public static Map<String, long[]> qwen3(Qwen3Config c, String prefix) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        m.put(prefix + "embed_tokens.weight", shape(c.vocabSize(), h));
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = prefix + "layers." + l + ".";
            m.put(p + "input_layernorm.weight", shape(h));
            m.put(p + "post_attention_layernorm.weight", shape(h));
            linear(m, p + "self_attn.q_proj", q, h, false);
            linear(m, p + "self_attn.k_proj", kv, h, false);
            linear(m, p + "self_attn.v_proj", kv, h, false);
            linear(m, p + "self_attn.o_proj", h, q, false);
            m.put(p + "self_attn.q_norm.weight", shape(c.headDim()));
            m.put(p + "self_attn.k_norm.weight", shape(c.headDim()));
            mlp(m, p + "mlp.", h, c.intermediateSize());
        }
        m.put(prefix + "norm.weight", shape(h));
        if (!prefix.isEmpty() && !c.tieWordEmbeddings()) m.put("lm_head.weight", shape(c.vocabSize(), h));
        return m;
    }

    private static void encoderLayers(Map<String, long[]> m, String p, AceStepConfig c, int layers) {
        for (int l = 0; l < layers; l++) encoderLayer(m, p + "layers." + l + ".", c, c.hiddenSize(), c.intermediateSize());
        m.put(p + "norm.weight", shape(c.hiddenSize()));
    }

    private static void encoderLayer(Map<String, long[]> m, String p, AceStepConfig c, long h, long i) {
        m.put(p + "input_layernorm.weight", shape(h));
        m.put(p + "post_attention_layernorm.weight", shape(h));
        attention(m, p + "self_attn.", c, h);
        mlp(m, p + "mlp.", h, i);
    }

    private static void attention(Map<String, long[]> m, String p, AceStepConfig c, long h) {
        long q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        linear(m, p + "q_proj", q, h, false);
        linear(m, p + "k_proj", kv, h, false);
        linear(m, p + "v_proj", kv, h, false);
        linear(m, p + "o_proj", h, q, false);
        m.put(p + "q_norm.weight", shape(c.headDim()));
        m.put(p + "k_norm.weight", shape(c.headDim()));
    }

    private static void mlp(Map<String, long[]> m, String p, long h, long i) {
        linear(m, p + "gate_proj", i, h, false);
        linear(m, p + "up_proj", i, h, false);
        linear(m, p + "down_proj", h, i, false);
    }

    private static void linear(Map<String, long[]> m, String name, long out, long in, boolean bias) {
        m.put(name + ".weight", shape(out, in));
        if (bias) m.put(name + ".bias", shape(out));
    }

    private static void conv(Map<String, long[]> m, String name, long out, long in, long k, boolean bias) {
        m.put(name + ".weight_v", shape(out, in, k));
        m.put(name + ".weight_g", shape(out, 1, 1));
        if (bias) m.put(name + ".bias", shape(out));
    }

    private static void residual(Map<String, long[]> m, String p, long ch) {
        snake(m, p + "snake1", ch);
        conv(m, p + "conv1", ch, ch, 7, true);
        snake(m, p + "snake2", ch);
        conv(m, p + "conv2", ch, ch, 1, true);
    }

    private static void snake(Map<String, long[]> m, String name, long ch) {
        m.put(name + ".alpha", shape(1, ch, 1));
        m.put(name + ".beta", shape(1, ch, 1));
    }

    private static long[] shape(long... d) {
        return d;
    }
}
