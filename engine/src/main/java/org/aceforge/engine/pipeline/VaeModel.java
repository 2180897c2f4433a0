package org.aceforge.engine.pipeline;

import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.nets.VaeForm;
import org.aceforge.engine.nets.VaeGraphs;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.LazySession;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.runtime.OutOfMemory;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Oobleck VAE folder with tiled decode and encode (overlap-discard), so any duration runs in bounded memory.
 * Decode: tiles of {@code chunk} latent frames with {@code overlap} frames of context each side, whose audio is
 * trimmed. Encode: 30 s windows with 2 s of context each side. Worker threads only.
 */
public final class VaeModel implements AutoCloseable {
    public static final int DECODE_CHUNK = Integer.getInteger("aceforge.vae.chunk", 256);
    /**
     * Frames of context each side of a decode tile. The official code uses 64; the decoder's receptive field is about
     * ±9 latent frames (conv1's ±3, the first block's transposed conv ±1 and its dilated residual units ±39 samples at
     * 250 Hz ≈ ±4, the later blocks under ±1 together), and measured on a 301-frame decode the tiles' error against a
     * whole decode falls to float noise from 10 frames on (2–3e-6 relative, the same as with 64). 16 keeps a margin and
     * turns the 33 % of recomputed context in 512-frame tiles into 7 % (a 120 s song: 4 096 → 3 208 frames decoded).
     */
    public static final int DECODE_OVERLAP = 16;
    private final VaeConfig config;
    private final LazySession decoder, encoder;
    /** The decoder again on the CPU: the out-of-memory ladder's last rung when the GPU cannot hold even small tiles. */
    private final LazySession cpuDecoder;

    public VaeModel(Path folder, GraphCache cache) {
        try {
            config = VaeConfig.read(folder.resolve("config.json"));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFolderException(folder + ": " + e.getMessage(), e);
        }
        WeightSource w = Checkpoint.open(folder, "diffusion_pytorch_model");
        String cfg = Checkpoint.configText(folder);
        // CPU sessions get the fused Snake (when AceForge's operators load) and Winograd convolutions (VaeForm); each
        // combination of forms has its own cached graph.
        VaeForm here = VaeForm.forDevice(OrtRuntime.device()), cpu = VaeForm.forDevice(OrtRuntime.Device.CPU);
        decoder = new LazySession(VaeGraphs.DECODER + here.graphSuffix(), cfg, w, cache, () -> VaeGraphs.decoder(config, w, here));
        encoder = new LazySession(VaeGraphs.ENCODER + here.graphSuffix(), cfg, w, cache, () -> VaeGraphs.encoder(config, w, here));
        cpuDecoder = new LazySession(VaeGraphs.DECODER + cpu.graphSuffix(), cfg, w, cache, () -> VaeGraphs.decoder(config, w, cpu),
                OrtRuntime.Device.CPU);
    }

    /**
     * Whether decoding can move to the CPU when the device runs out of memory: on a GPU (or when the fault property
     * {@code aceforge.faults.vaeOnGpu} makes a CPU machine play one, so the ladder's last rung can be tried anywhere).
     */
    public boolean canDecodeOnCpu() {
        return OrtRuntime.device() != OrtRuntime.Device.CPU || OutOfMemory.vaeOnGpu();
    }

    public VaeConfig config() { return config; }

    public int hop() { return config.hopLength(); }

    /** One item's latents [1, T, C] → interleaved audio [T·hop, channels] as a Tensor3 [1, T·hop, channels]. */
    public Tensor3 decodeTile(Tensor3 latents) throws Exception {
        return decodeTile(latents, false);
    }

    Tensor3 decodeTile(Tensor3 latents, boolean onCpu) throws Exception {
        if (!onCpu) OutOfMemory.injectForVaeTile(latents.frames());
        LazySession s = onCpu ? cpuDecoder : decoder;
        return Tensor3.of(s.get().run(Map.of("latents", latents.toTensorData("latents"))).get("decoded"));
    }

    /**
     * Decodes one item [1, T, C] tile by tile. Each tile carries up to {@code overlap} frames of context on each side
     * whose samples are discarded, so the joins match a whole decode up to the receptive field beyond the overlap.
     */
    public Tensor3 decode(Tensor3 latents, int chunk, int overlap, ProgressSink progress) throws Exception {
        return decode(latents, chunk, overlap, progress, false);
    }

    /** As {@link #decode(Tensor3, int, int, ProgressSink)}, on the CPU when {@code onCpu} (see {@link #canDecodeOnCpu}). */
    public Tensor3 decode(Tensor3 latents, int chunk, int overlap, ProgressSink progress, boolean onCpu) throws Exception {
        int T = latents.frames();
        while (overlap > 0 && chunk <= 2 * overlap) overlap /= 2;
        if (T <= chunk) return decodeTile(latents, onCpu);
        int hop = hop(), ch = config.audioChannels();
        float[] out = new float[T * hop * ch];
        int core = chunk - 2 * overlap;
        int tiles = (T + core - 1) / core;
        for (int i = 0, start = 0; start < T; i++, start += core) {
            int end = Math.min(T, start + core);
            int from = Math.max(0, start - overlap), to = Math.min(T, end + overlap);
            Tensor3 audio = decodeTile(latents.frames(from, to), onCpu);
            int skip = (start - from) * hop;
            System.arraycopy(audio.data(), skip * ch, out, start * hop * ch, (end - start) * hop * ch);
            if (progress != null) progress.report((double) (i + 1) / tiles, "decoding tile " + (i + 1) + "/" + tiles);
        }
        return new Tensor3(out, 1, T * hop, ch);
    }

    /** audio [1, N, channels] → mean latents [1, ⌊N/hop⌋, C], in windows of 30 s with 2 s of context each side. */
    public Tensor3 encode(Tensor3 audio, ProgressSink progress) throws Exception {
        return encode(audio, 30 * config.samplingRate() / hop(), Math.round(2f * config.samplingRate() / hop()), progress);
    }

    /** Encode in windows of {@code window} latent frames with {@code overlap} frames of discarded context each side. */
    public Tensor3 encode(Tensor3 audio, int window, int overlap, ProgressSink progress) throws Exception {
        int hop = hop();
        int T = audio.frames() / hop;
        int C = config.latentChannels();
        if (T <= window + 2 * overlap) return encodeTile(audio.frames(0, T * hop));
        float[] out = new float[T * C];
        int tiles = (T + window - 1) / window;
        for (int i = 0, start = 0; start < T; i++, start += window) {
            int end = Math.min(T, start + window);
            int from = Math.max(0, start - overlap), to = Math.min(T, end + overlap);
            Tensor3 lat = encodeTile(audio.frames(from * hop, to * hop));
            System.arraycopy(lat.data(), (start - from) * C, out, start * C, (end - start) * C);
            if (progress != null) progress.report((double) (i + 1) / tiles, "encoding " + (i + 1) + "/" + tiles);
        }
        return new Tensor3(out, 1, T, C);
    }

    Tensor3 encodeTile(Tensor3 audio) throws Exception {
        TensorData mean = encoder.get().run(Map.of("audio", audio.toTensorData("audio"))).get("latent_mean");
        return Tensor3.of(mean);
    }

    @Override
    public void close() {
        decoder.close();
        encoder.close();
        cpuDecoder.close();
    }

    /** Frees the networks' memory; they open again on the next use (offload between stages). */
    public void releaseSessions() {
        close();
    }

    public int openSessions() {
        return (decoder.isOpen() ? 1 : 0) + (encoder.isOpen() ? 1 : 0) + (cpuDecoder.isOpen() ? 1 : 0);
    }

    /** Reports a fraction in [0, 1] of one stage with a message. */
    @FunctionalInterface
    public interface ProgressSink {
        void report(double fraction, String message) throws Exception;
    }
}
