package org.aceforge.engine.audio;

/** Decoded audio: interleaved float samples in [−1, 1] with their channel count and rate. */
public record AudioClip(float[] interleaved, int channels, int sampleRate) {

    public int frames() {
        return interleaved.length / channels;
    }

    public double seconds() {
        return (double) frames() / sampleRate;
    }

    /**
     * The engine's format: 48 kHz stereo. Mono is duplicated, only the first two channels of multichannel audio are
     * kept (as the reference does), other rates go through TarsosDSP's band-limited resampler.
     */
    public AudioClip toEngineFormat() {
        float[][] ch = new float[2][frames()];
        for (int i = 0; i < frames(); i++) {
            ch[0][i] = interleaved[i * channels];
            ch[1][i] = interleaved[i * channels + (channels > 1 ? 1 : 0)];
        }
        if (sampleRate != Resampling.ENGINE_RATE) {
            ch[0] = Resampling.resample(ch[0], sampleRate, Resampling.ENGINE_RATE);
            ch[1] = Resampling.resample(ch[1], sampleRate, Resampling.ENGINE_RATE);
        }
        int n = ch[0].length;
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = Math.max(-1f, Math.min(1f, ch[0][i]));
            out[2 * i + 1] = Math.max(-1f, Math.min(1f, ch[1][i]));
        }
        return new AudioClip(out, 2, Resampling.ENGINE_RATE);
    }
}
