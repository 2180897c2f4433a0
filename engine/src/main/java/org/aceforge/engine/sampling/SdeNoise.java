package org.aceforge.engine.sampling;

import java.util.Random;
import org.aceforge.engine.tensors.Tensor3;

/**
 * The fresh noise of SDE re-noising: one generator per variant, seeded from that variant's own seed, so a variant
 * re-rendered alone from its sidecar's seed gets the same audio as inside its batch (one generator for the whole
 * batch made variant i > 0 depend on the others). Not thread-safe: one per render.
 */
public final class SdeNoise {
    private static final long SALT = 0x5DEECE66DL;   // keeps this stream apart from the initial noise of the same seed
    private final Random[] perItem;

    private SdeNoise(Random[] perItem) {
        this.perItem = perItem;
    }

    public static SdeNoise forSeeds(long... seeds) {
        Random[] r = new Random[seeds.length];
        for (int b = 0; b < seeds.length; b++) r[b] = new Random(seeds[b] ^ SALT);
        return new SdeNoise(r);
    }

    /** x ← t·ε + (1 − t)·x, item b's ε drawn from item b's generator; returns ε (as float, for dumps). */
    Tensor3 renoise(Tensor3 x, double t) {
        if (x.batch() != perItem.length) throw new IllegalArgumentException("SDE noise for " + perItem.length + " variants, batch of " + x.batch());
        float[] xd = x.data(), eps = new float[xd.length];
        int per = x.frames() * x.channels();
        for (int b = 0; b < perItem.length; b++) {
            Random rng = perItem[b];
            for (int i = b * per; i < (b + 1) * per; i++) {
                double e = rng.nextGaussian();
                eps[i] = (float) e;
                xd[i] = (float) (t * e + (1 - t) * xd[i]);
            }
        }
        return new Tensor3(eps, x.batch(), x.frames(), x.channels());
    }
}
