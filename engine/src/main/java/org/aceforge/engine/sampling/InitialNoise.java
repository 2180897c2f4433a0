package org.aceforge.engine.sampling;

import java.util.Random;
import org.aceforge.engine.tensors.Tensor3;

/** The noise a render starts from: standard normal [B, T, C], one generator per variant seeded with its own seed. */
public final class InitialNoise {
    private InitialNoise() {}

    public static Tensor3 of(long[] seeds, int frames, int channels) {
        float[] d = new float[seeds.length * frames * channels];
        for (int b = 0; b < seeds.length; b++) {
            Random r = new Random(seeds[b]);
            for (int i = 0; i < frames * channels; i++) d[b * frames * channels + i] = (float) r.nextGaussian();
        }
        return new Tensor3(d, seeds.length, frames, channels);
    }
}
