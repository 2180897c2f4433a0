package org.aceforge.engine.runtime;

import ai.onnx.proto.OnnxMl;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Built ONNX graphs cached on disk ({@code ~/.cache/aceforge/graphs} or {@code aceforge.cache}), keyed by a hash of
 * what they were built from: the builder's name and version, the config, and the name, type and shape of every
 * checkpoint tensor. Only the graph structure is stored; weights stay in the checkpoint and are attached when a
 * session opens.
 */
public final class GraphCache {
    /** Bump when any graph builder changes its output. */
    public static final int BUILDER_VERSION = 12;
    private static final Logger LOG = LoggerFactory.getLogger(GraphCache.class);
    private final Path dir;

    public GraphCache(Path dir) {
        this.dir = dir;
    }

    public static GraphCache defaultCache() {
        return new GraphCache(cacheRoot().resolve("graphs"));
    }

    /** AceForge's cache folder: {@code -Daceforge.cache}, else {@code ~/.cache/aceforge}. */
    public static Path cacheRoot() {
        String p = System.getProperty("aceforge.cache");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "aceforge");
    }

    /** A built graph and the checkpoint tensors its initializers refer to. */
    public record Built(byte[] model, Map<String, TensorData> weights) {}

    public Built get(String name, String configText, WeightSource weights, Supplier<OnnxGraph> builder) {
        String key = key(name, configText, weights);
        Path file = dir.resolve(name + "-" + key + ".onnx");
        if (Files.isRegularFile(file)) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(bytes);
                Map<String, TensorData> used = new LinkedHashMap<>();
                for (OnnxMl.TensorProto t : m.getGraph().getInitializerList())
                    if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) used.put(t.getName(), weights.get(t.getName()));
                return new Built(bytes, used);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable cached graph {} ({}); rebuilding", file, e.getMessage());
            }
        }
        OnnxGraph g = builder.get();
        byte[] bytes = g.toModelBytes();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not cache graph {} in {} ({}); continuing without the cache", name, dir, e.getMessage());
        }
        return new Built(bytes, g.externalWeights());
    }

    static String key(String name, String configText, WeightSource weights) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((name + "\n" + BUILDER_VERSION + "\n" + configText + "\n").getBytes(StandardCharsets.UTF_8));
            weights.tensors().values().stream().sorted(java.util.Comparator.comparing(TensorData::name)).forEach(t ->
                    md.update((t.name() + ":" + t.dtype() + ":" + t.shapeString() + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }
}
