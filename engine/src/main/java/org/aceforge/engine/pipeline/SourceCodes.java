package org.aceforge.engine.pipeline;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.tensors.Tensor3;

import java.nio.file.Path;

/**
 * "Convert to codes": an audio file → its 5 Hz audio codes (VAE encode, cached like every source, then the DiT's
 * FSQ tokenizer), the form the LM reads and writes. Worker threads only.
 */
public final class SourceCodes {
    private SourceCodes() {}

    public static long[] fromAudio(ModelSet m, Path file, LatentCache cache, VaeModel.ProgressSink progress) throws Exception {
        AudioClip clip = AudioDecoder.decode(file).toEngineFormat();
        return fromSamples(m, clip.interleaved(), cache, progress);
    }

    /** The codes of 48 kHz interleaved stereo samples. */
    public static long[] fromSamples(ModelSet m, float[] stereo48k, LatentCache cache, VaeModel.ProgressSink progress) throws Exception {
        Tensor3 latents = cache.encode(m.vae(), m.pack().vae().toAbsolutePath().toString(), stereo48k, progress);
        return m.dit().tokenize(latents)[0];
    }
}
