package org.aceforge.engine.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * AceForge's own ONNX Runtime operators (domain {@value #DOMAIN}; today the VAE's fused {@code Snake}), compiled from
 * {@code engine/src/main/c} into the engine jar when the build machine has a C compiler. They are used on CPU
 * sessions only, and only after a registration probe succeeded: the library refuses any ONNX Runtime but the one it
 * was checked against, and then (or when it is missing, on another OS, or switched off with
 * {@code -Daceforge.ortops=off}) every graph is built from standard ONNX operators instead, with the same results to
 * rounding. {@code -Daceforge.ortops=/path/lib.so} loads another build of the library. Any thread.
 */
public final class CustomOps {
    public static final String DOMAIN = "org.aceforge";
    static final String LIBRARY = "libaceforge_ortops.so";
    private static final Logger LOG = LoggerFactory.getLogger(CustomOps.class);
    private static volatile Optional<Path> probed;

    private CustomOps() {}

    /** Whether graphs for {@code device} may use the custom operators (CPU sessions with a library that registered). */
    public static boolean available(OrtRuntime.Device device) {
        return device == OrtRuntime.Device.CPU && library().isPresent();
    }

    /**
     * The VAE's operators. Every AceForge operator runs on ONNX Runtime's intra-op threads (KernelContext_ParallelFor);
     * sessions that run these long ones keep ONNX Runtime's spin-waiting off between nodes, as measured best for the
     * decoder (see {@link NetSession}); the transformer's short ones (RmsNorm, AdaRmsNorm, SwiGlu, ...) sit between
     * many small products, which need the spinning.
     */
    static final java.util.Set<String> VAE_OPS = java.util.Set.of("Snake", "WinogradIn", "WinogradOut", "SnakeWinogradIn",
            "WinogradOutSnake", "ResidualUnit");

    /**
     * Whether a model runs any of the VAE's operators ({@link #VAE_OPS}); its session then has ONNX Runtime's
     * spin-waiting off (see {@link NetSession}). A model with only the transformer's keeps spinning.
     */
    public static boolean usedBy(byte[] model) {
        try {
            for (var node : ai.onnx.proto.OnnxMl.ModelProto.parseFrom(model).getGraph().getNodeList())
                if (node.getDomain().equals(DOMAIN) && VAE_OPS.contains(node.getOpType())) return true;
            return false;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return false;   // not a model; ONNX Runtime will say so when the session is made
        }
    }

    /** Adds the library to CPU session options when it is usable; GPU sessions never get it. */
    static void register(OrtSession.SessionOptions options, OrtRuntime.Device device) throws OrtException {
        if (device != OrtRuntime.Device.CPU) return;
        Optional<Path> lib = library();
        if (lib.isPresent()) options.registerCustomOpLibrary(lib.get().toString());
    }

    /** The usable library, found and probed once per process. */
    static Optional<Path> library() {
        Optional<Path> p = probed;
        if (p != null) return p;
        synchronized (CustomOps.class) {
            if (probed == null) probed = probe();
            return probed;
        }
    }

    /** Forgets the probe so the next use looks again (tests of the fallbacks). */
    static synchronized void reprobe() {
        probed = null;
    }

    private static Optional<Path> probe() {
        String setting = System.getProperty("aceforge.ortops", "auto");
        if (setting.equalsIgnoreCase("off")) {
            LOG.info("custom operators off (aceforge.ortops=off); the VAE uses standard ONNX operators");
            return Optional.empty();
        }
        Optional<Path> lib;
        try {
            lib = setting.equalsIgnoreCase("auto") ? extracted() : Optional.of(Path.of(setting));
        } catch (IOException | RuntimeException e) {
            LOG.warn("custom operators unavailable ({}); the VAE uses standard ONNX operators", e.getMessage());
            return Optional.empty();
        }
        if (lib.isEmpty()) {
            LOG.info("custom operators not built for this platform; the VAE uses standard ONNX operators");
            return lib;
        }
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            OrtRuntime.env();
            // Loaded once by the JVM and never unloaded: ONNX Runtime's Java options close (dlclose) the library
            // with themselves, which would unload the operators under every session made from them.
            System.load(lib.get().toAbsolutePath().toString());
            o.registerCustomOpLibrary(lib.get().toString());
            LOG.info("custom operators loaded from {}", lib.get());
            return lib;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("custom operators refused ({}); the VAE uses standard ONNX operators", e.getMessage());
            return Optional.empty();
        }
    }

    /** The library from the jar, copied once into the cache under its content hash (a path ONNX Runtime can open). */
    private static Optional<Path> extracted() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) return Optional.empty();
        byte[] bytes;
        try (InputStream in = CustomOps.class.getResourceAsStream("/native/linux-x64/" + LIBRARY)) {
            if (in == null) return Optional.empty();
            bytes = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = GraphCache.cacheRoot().resolve("native").resolve(hash);
        Path file = dir.resolve(LIBRARY);
        if (Files.isRegularFile(file) && Files.size(file) == bytes.length) return Optional.of(file);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "ortops", ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Optional.of(file);
    }
}
