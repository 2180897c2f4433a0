package org.aceforge.engine.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The Oobleck VAE's {@code config.json}. Widths follow diffusers: with cm = [1] + channelMultiples, the encoder runs
 * E·cm[i] → E·cm[i+1] per block and the decoder D·cm[n−i] → D·cm[n−i−1].
 */
public record VaeConfig(int encoderHiddenSize, int decoderChannels, int latentChannels, int audioChannels,
                        int[] channelMultiples, int[] downsamplingRatios, int samplingRate) {

    public static VaeConfig read(Path configJson) throws IOException {
        ConfigJson c = ConfigJson.read(configJson);
        return new VaeConfig(c.i("encoder_hidden_size", 128), c.i("decoder_channels", 128),
                c.i("decoder_input_channels", 64), c.i("audio_channels", 2),
                c.ints("channel_multiples", new int[]{1, 2, 4, 8, 16}),
                c.ints("downsampling_ratios", new int[]{2, 4, 4, 6, 10}), c.i("sampling_rate", 48000));
    }

    /** Samples per latent frame (1920 for the real model). */
    public int hopLength() {
        int h = 1;
        for (int r : downsamplingRatios) h *= r;
        return h;
    }

    /** cm = [1] + channel multiples. */
    public int[] cm() {
        int[] cm = new int[channelMultiples.length + 1];
        cm[0] = 1;
        System.arraycopy(channelMultiples, 0, cm, 1, channelMultiples.length);
        return cm;
    }
}
