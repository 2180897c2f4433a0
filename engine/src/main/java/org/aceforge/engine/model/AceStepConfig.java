package org.aceforge.engine.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The DiT checkpoint's {@code config.json} (AceStepConfig). Missing fields take the reference class defaults.
 * {@code layerTypes[i]} is true when layer i uses the sliding window.
 */
public record AceStepConfig(
        int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads,
        int headDim, double rmsNormEps, double ropeTheta, boolean useSlidingWindow, int slidingWindow,
        boolean[] layerTypes, int numLyricEncoderLayers, int numTimbreEncoderLayers, int numAttentionPoolerLayers,
        int textHiddenDim, int timbreHiddenDim, int latentChannels, int inChannels, int patchSize, int poolWindowSize,
        int fsqDim, int[] fsqLevels, int timbreFixFrame, boolean isTurbo, String modelVersion) {

    public static AceStepConfig read(Path configJson) throws IOException {
        ConfigJson c = ConfigJson.read(configJson);
        int layers = c.i("num_hidden_layers", 24);
        String[] types = c.strings("layer_types");
        int typeCount = Math.max(layers, Math.max(c.i("num_lyric_encoder_hidden_layers", 8),
                Math.max(c.i("num_timbre_encoder_hidden_layers", 4), c.i("num_attention_pooler_hidden_layers", 2))));
        boolean[] sliding = new boolean[typeCount];
        for (int i = 0; i < typeCount; i++) {
            if (types != null && i < types.length) sliding[i] = types[i].equals("sliding_attention");
            else sliding[i] = (i + 1) % 2 == 1;
        }
        int hidden = c.i("hidden_size", 2048);
        int heads = c.i("num_attention_heads", 16);
        String version = c.s("model_version", "turbo");
        return new AceStepConfig(hidden, c.i("intermediate_size", 6144), layers, heads,
                c.i("num_key_value_heads", 8), c.i("head_dim", hidden / heads), c.d("rms_norm_eps", 1e-6),
                c.ropeTheta(1_000_000), c.b("use_sliding_window", true), c.i("sliding_window", 128), sliding,
                c.i("num_lyric_encoder_hidden_layers", 8), c.i("num_timbre_encoder_hidden_layers", 4),
                c.i("num_attention_pooler_hidden_layers", 2), c.i("text_hidden_dim", 1024), c.i("timbre_hidden_dim", 64),
                c.i("audio_acoustic_hidden_dim", 64), c.i("in_channels", 192), c.i("patch_size", 2),
                c.i("pool_window_size", 5), c.i("fsq_dim", 2048), c.ints("fsq_input_levels", new int[]{8, 8, 8, 5, 5, 5}),
                c.i("timbre_fix_frame", 750), c.b("is_turbo", version.equals("turbo")), version);
    }

    /** Whether layer i attends within the sliding window only. */
    public boolean sliding(int layer) {
        return useSlidingWindow && layerTypes[layer];
    }

    public AttentionShape attention() {
        return new AttentionShape(numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta);
    }
}
