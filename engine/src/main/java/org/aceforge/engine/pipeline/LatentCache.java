package org.aceforge.engine.pipeline;

import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.Tensor3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * VAE encodings of source audio cached on disk by content hash (of the 48 kHz stereo samples and of the VAE), so
 * repeated edits of the same audio skip the encoder.
 */
public final class LatentCache {
    private static final Logger LOG = LoggerFactory.getLogger(LatentCache.class);
    private final Path dir;

    public LatentCache(Path dir) {
        this.dir = dir;
    }

    /** The latent cache kept beside a graph cache (…/aceforge/graphs → …/aceforge/latents). */
    public static LatentCache besides(org.aceforge.engine.runtime.GraphCache graphs) {
        return new LatentCache(graphs.dir().resolveSibling("latents"));
    }

    /** Whether the last call to {@link #encode} was served from the cache. */
    private boolean lastHit;

    public boolean lastWasHit() {
        return lastHit;
    }

    public Tensor3 encode(VaeModel vae, String vaeIdentity, float[] stereo48k, VaeModel.ProgressSink progress) throws Exception {
        String key = key(vaeIdentity, stereo48k);
        Path f = dir.resolve(key + ".npy");
        if (Files.isRegularFile(f)) {
            try {
                Tensor3 t = Tensor3.of(Npy.read(f));
                lastHit = true;
                return t;
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable cached latents {} ({})", f, e.getMessage());
            }
        }
        lastHit = false;
        Tensor3 lat = vae.encode(new Tensor3(stereo48k, 1, stereo48k.length / 2, 2), progress);
        try {
            Files.createDirectories(dir);
            Npy.write(f, lat.toTensorData("latents"));
        } catch (IOException e) {
            LOG.warn("could not cache latents in {} ({})", dir, e.getMessage());
        }
        return lat;
    }

    /**
     * The tempo, key and metre of a whole source, estimated once per content and kept beside its latents (the same
     * song gives the same prompt metadata whichever region of it is edited).
     */
    public org.aceforge.engine.audio.MusicAnalysis.Estimate analysis(float[] stereo48k) {
        Path f = dir.resolve(key("music-analysis-v1", stereo48k) + ".analysis");
        if (Files.isRegularFile(f)) {
            try {
                java.util.Properties p = new java.util.Properties();
                try (var in = Files.newInputStream(f)) { p.load(in); }
                String bpm = p.getProperty("bpm", "");
                return new org.aceforge.engine.audio.MusicAnalysis.Estimate(bpm.isEmpty() ? null : Integer.valueOf(bpm),
                        emptyToNull(p.getProperty("key", "")), emptyToNull(p.getProperty("timesig", "")));
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable cached analysis {} ({})", f, e.getMessage());
            }
        }
        var e = org.aceforge.engine.audio.MusicAnalysis.estimate(stereo48k, 48000);
        try {
            Files.createDirectories(dir);
            java.util.Properties p = new java.util.Properties();
            p.setProperty("bpm", e.bpm() == null ? "" : e.bpm().toString());
            p.setProperty("key", e.key() == null ? "" : e.key());
            p.setProperty("timesig", e.timeSignature() == null ? "" : e.timeSignature());
            Path tmp = Files.createTempFile(dir, ".analysis", ".part");
            try (var out = Files.newOutputStream(tmp)) { p.store(out, "AceForge music analysis"); }
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            LOG.warn("could not cache the analysis in {} ({})", dir, ex.getMessage());
        }
        return e;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    static String key(String vaeIdentity, float[] samples) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(vaeIdentity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : samples) {
                if (!b.hasRemaining()) { b.flip(); md.update(b); b.clear(); }
                b.putFloat(v);
            }
            b.flip();
            md.update(b);
            return HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
