package org.aceforge.engine.model;

import java.io.IOException;
import java.nio.file.Path;

/** A Qwen3 {@code config.json} (the text encoder and the 5 Hz LMs). */
public record Qwen3Config(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                          int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
                          double ropeTheta, boolean tieWordEmbeddings) {

    public static Qwen3Config read(Path configJson) throws IOException {
        ConfigJson c = ConfigJson.read(configJson);
        int hidden = c.i("hidden_size", 1024);
        int heads = c.i("num_attention_heads", 16);
        return new Qwen3Config(c.i("vocab_size", 151669), hidden, c.i("intermediate_size", 3072),
                c.i("num_hidden_layers", 28), heads, c.i("num_key_value_heads", 8), c.i("head_dim", hidden / heads),
                c.d("rms_norm_eps", 1e-6), c.ropeTheta(1_000_000), c.b("tie_word_embeddings", true));
    }

    public AttentionShape attention() {
        return new AttentionShape(numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta);
    }
}
