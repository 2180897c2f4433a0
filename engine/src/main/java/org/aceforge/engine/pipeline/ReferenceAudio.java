package org.aceforge.engine.pipeline;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.tensors.Tensor3;

import java.nio.file.Path;
import java.util.Random;

/**
 * The 30 s reference assembly of the reference implementation: audio shorter than 30 s is tiled; then one 10 s window
 * is taken at a random position inside each third and the three are joined. Seeded, so renders reproduce.
 */
public final class ReferenceAudio {
    public static final int SECONDS = 30, WINDOW = 10;

    private ReferenceAudio() {}

    /** Interleaved stereo at {@code rate} → exactly 30 s of interleaved stereo. */
    public static float[] assemble(float[] stereo, int rate, long seed) {
        int want = SECONDS * rate, frames = stereo.length / 2;
        float[] src = stereo;
        if (frames < want) {
            src = new float[2 * want];
            for (int i = 0; i < want; i++) {
                src[2 * i] = stereo[2 * (i % frames)];
                src[2 * i + 1] = stereo[2 * (i % frames) + 1];
            }
            frames = want;
        }
        Random r = new Random(seed);
        int third = frames / 3, win = WINDOW * rate;
        float[] out = new float[2 * want];
        for (int k = 0; k < 3; k++) {
            int lo = k * third, span = Math.max(0, third - win);
            int start = lo + (span > 0 ? r.nextInt(span + 1) : 0);
            start = Math.min(start, frames - win);
            System.arraycopy(src, 2 * start, out, 2 * k * win, 2 * win);
        }
        return out;
    }

    /** A reference file → its seeded 30 s assembly → VAE latents for the timbre encoder. */
    public static Tensor3 latents(ModelSet m, Path file, long seed, LatentCache cache) throws Exception {
        int frames = m.dit().config().timbreFixFrame();
        AudioClip ref = AudioDecoder.decode(file).toEngineFormat();
        float[] assembled = assemble(ref.interleaved(), org.aceforge.engine.audio.Resampling.ENGINE_RATE, seed);
        Tensor3 lat = cache.encode(m.vae(), m.pack().vae().toAbsolutePath().toString(), assembled, null);
        return lat.frames() >= frames ? lat.frames(0, frames) : m.dit().silence(frames);
    }
}
