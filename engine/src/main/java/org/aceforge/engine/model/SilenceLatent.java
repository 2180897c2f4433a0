package org.aceforge.engine.model;

import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.TorchTensorFile;

import java.io.IOException;
import java.nio.file.Path;

/** A DiT folder's {@code silence_latent.pt}: stored [1, C, T] (channels first); the engine uses [1, T, C]. */
public final class SilenceLatent {
    private SilenceLatent() {}

    public static Tensor3 read(Path folder, int channels) {
        Path p = folder.resolve("silence_latent.pt");
        try {
            TensorData t = TorchTensorFile.read(p);
            long[] s = t.shape();
            if (s.length < 2) throw new ModelFolderException(p + ": expected a [1, " + channels + ", T] tensor, found shape " + t.shapeString());
            float[] d = t.toFloats();
            int c = (int) s[s.length - 2], frames = (int) s[s.length - 1];
            if (c != channels) throw new ModelFolderException(p + ": expected " + channels + " channels, found shape " + t.shapeString());
            float[] out = new float[frames * c];
            for (int ch = 0; ch < c; ch++) for (int f = 0; f < frames; f++) out[f * c + ch] = d[ch * frames + f];
            return new Tensor3(out, 1, frames, c);
        } catch (IOException e) {
            throw new ModelFolderException(folder + ": missing or unreadable silence_latent.pt (" + e.getMessage() + ")", e);
        }
    }
}
