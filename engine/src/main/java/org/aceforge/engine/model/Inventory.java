package org.aceforge.engine.model;

import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a checkpoints folder holds, component by component (DiT variants, VAE, text encoder, LM sizes): path, size on
 * disk, the weights' precision and a status — for {@code models list} and the studio's settings. Reading it never
 * loads weights (safetensors headers only) and never throws on a damaged folder.
 */
public final class Inventory {
    /** {@code status}: installed, missing, downloading (a partial download is waiting to resume) or damaged (why). */
    public record Component(String kind, String name, Path path, long bytes, String precision, String status) {}

    private Inventory() {}

    public static List<Component> of(Path root) {
        List<Component> out = new ArrayList<>();
        for (ModelPack.Variant v : ModelPack.Variant.values()) {
            Path found = null;
            for (String f : v.folders) if (Files.isRegularFile(root.resolve(f).resolve("config.json"))) { found = root.resolve(f); break; }
            out.add(found != null ? component("DiT", v.id(), found, "model", root)
                    : absent("DiT", v.id(), root.resolve(v.folders[0]), root));
        }
        out.add(component("VAE", "vae", root.resolve(ModelPack.VAE), "diffusion_pytorch_model", root));
        out.add(component("text encoder", ModelPack.TEXT_ENCODER, root.resolve(ModelPack.TEXT_ENCODER), "model", root));
        List<String> lms = new ModelPack(root).installedLms();
        if (lms.isEmpty()) out.add(absent("5 Hz LM", "1.7B", root.resolve(ModelPack.LM_PREFIX + "1.7B"), root));
        for (String s : lms) out.add(component("5 Hz LM", s, root.resolve(ModelPack.LM_PREFIX + s), "model", root));
        return out;
    }

    private static Component absent(String kind, String name, Path path, Path root) {
        boolean partial = Files.isDirectory(root.resolve(".aceforge-partial").resolve(path.getFileName().toString()));
        return new Component(kind, name, path, 0, "", partial ? "downloading (run models download again to resume)" : "missing");
    }

    private static Component component(String kind, String name, Path folder, String stem, Path root) {
        if (!Files.isRegularFile(folder.resolve("config.json"))) return absent(kind, name, folder, root);
        long bytes = sizeOf(folder);
        try {
            WeightSource w = Checkpoint.open(folder, stem);
            return new Component(kind, name, folder, bytes, precision(w), "installed");
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Component(kind, name, folder, bytes, "", "damaged: " + why.replace(folder + ": ", ""));
        }
    }

    /** The weights' element types, most frequent first ("bf16", "f32 + bf16"). */
    static String precision(WeightSource w) {
        Map<DType, Long> count = new EnumMap<>(DType.class);
        for (TensorData t : w.tensors().values()) count.merge(t.dtype(), t.bytes().remaining() + 0L, Long::sum);
        return count.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .map(e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT)).reduce((a, b) -> a + " + " + b).orElse("");
    }

    static long sizeOf(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try { return Files.size(p); } catch (IOException e) { return 0; }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
