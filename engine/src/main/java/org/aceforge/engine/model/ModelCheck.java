package org.aceforge.engine.model;

import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code models check}: every component of a checkpoints folder against its config.json — each tensor present, of the
 * shape the config implies, in a float type; no layers beyond the config; the side files the engine reads (silence
 * latent, tokenizer). Each problem names the file, the tensor, what was expected and what was found, and what to do.
 * A damaged file or config is a problem reported, never an exception.
 */
public final class ModelCheck {
    /** One thing wrong. {@code tensor} is null for problems of a whole file. */
    public record Problem(Path file, String tensor, String expected, String found, String fix) {
        public String line() {
            return file + (tensor == null ? "" : ": " + tensor) + ": expected " + expected + ", found " + found + " — " + fix;
        }
    }

    /** A component checked: its problems, and notes that do not fail the check (tensors the engine does not read). */
    public record Component(String name, Path folder, List<Problem> problems, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private static final Pattern LAYER = Pattern.compile("^(.*\\.layers)\\.(\\d+)\\..*$");

    private ModelCheck() {}

    /** Checks every component present in {@code root}; an empty list means there is nothing to check. */
    public static List<Component> check(Path root) {
        List<Component> out = new ArrayList<>();
        java.util.Set<String> dits = new java.util.LinkedHashSet<>();
        for (ModelPack.Variant v : ModelPack.Variant.values())
            for (String f : v.folders)
                if (Files.isDirectory(root.resolve(f))) dits.add(f);   // a folder several variants share is checked once
        for (String f : dits) out.add(dit(root, f));
        if (Files.isDirectory(root.resolve(ModelPack.VAE))) out.add(vae(root));
        if (Files.isDirectory(root.resolve(ModelPack.TEXT_ENCODER))) out.add(qwen3(root, ModelPack.TEXT_ENCODER, ""));
        try (var s = Files.list(root)) {
            for (Path p : s.sorted().toList())
                if (Files.isDirectory(p) && p.getFileName().toString().startsWith(ModelPack.LM_PREFIX))
                    out.add(qwen3(root, p.getFileName().toString(), "model."));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // an unreadable folder shows as no LM
        }
        return out;
    }

    private static String again(Path folder) {
        return "download it again: ./aceforge models download " + ModelSources.downloadName(folder.getFileName().toString())
                + " --to " + folder.getParent();
    }

    private static Component dit(Path root, String name) {
        Path folder = root.resolve(name);
        Component c = new Component(name, folder, new ArrayList<>(), new ArrayList<>());
        AceStepConfig cfg = config(c, () -> AceStepConfig.read(folder.resolve("config.json")));
        WeightSource w = weights(c, "model");
        if (cfg != null && w != null) tensors(c, w, ExpectedTensors.dit(cfg));
        if (!Files.isRegularFile(folder.resolve("silence_latent.pt")))
            c.problems().add(new Problem(folder.resolve("silence_latent.pt"), null, "the silence latent", "no file", again(folder)));
        else if (cfg != null)
            try {
                SilenceLatent.read(folder, cfg.latentChannels());
            } catch (RuntimeException e) {
                c.problems().add(new Problem(folder.resolve("silence_latent.pt"), null, "a [1, " + cfg.latentChannels() + ", T] tensor",
                        brief(e, folder), again(folder)));
            }
        return c;
    }

    private static Component vae(Path root) {
        Path folder = root.resolve(ModelPack.VAE);
        Component c = new Component(ModelPack.VAE, folder, new ArrayList<>(), new ArrayList<>());
        VaeConfig cfg = config(c, () -> VaeConfig.read(folder.resolve("config.json")));
        WeightSource w = weights(c, "diffusion_pytorch_model");
        if (cfg != null && w != null) tensors(c, w, ExpectedTensors.vae(cfg));
        return c;
    }

    private static Component qwen3(Path root, String name, String prefix) {
        Path folder = root.resolve(name);
        Component c = new Component(name, folder, new ArrayList<>(), new ArrayList<>());
        Qwen3Config cfg = config(c, () -> Qwen3Config.read(folder.resolve("config.json")));
        WeightSource w = weights(c, "model");
        if (cfg != null && w != null) tensors(c, w, ExpectedTensors.qwen3(cfg, prefix));
        Path tok = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tok)) c.problems().add(new Problem(tok, null, "the tokenizer", "no file", again(folder)));
        else
            try {
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(tok.toFile());
            } catch (java.io.IOException e) {
                c.problems().add(new Problem(tok, null, "a JSON tokenizer", "unreadable JSON (" + e.getClass().getSimpleName() + ")", again(folder)));
            }
        return c;
    }

    private interface Reader<T> {
        T read() throws Exception;
    }

    private static <T> T config(Component c, Reader<T> r) {
        Path f = c.folder().resolve("config.json");
        if (!Files.isRegularFile(f)) {
            c.problems().add(new Problem(f, null, "a config.json", "no file", again(c.folder())));
            return null;
        }
        try {
            return r.read();
        } catch (Exception e) {
            c.problems().add(new Problem(f, null, "a valid config.json", brief(e, c.folder()), again(c.folder())));
            return null;
        }
    }

    private static WeightSource weights(Component c, String stem) {
        try {
            return Checkpoint.open(c.folder(), stem);
        } catch (RuntimeException e) {
            c.problems().add(new Problem(c.folder().resolve(stem + ".safetensors"), null, "readable safetensors weights",
                    brief(e, c.folder()), again(c.folder())));
            return null;
        }
    }

    private static void tensors(Component c, WeightSource w, Map<String, long[]> expected) {
        Map<String, TensorData> have = w.tensors();
        Path file = c.folder().resolve(have.isEmpty() ? "model.safetensors" : "weights");
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorData t = have.get(e.getKey());
            if (t == null) {
                c.problems().add(new Problem(file, e.getKey(), "shape " + Arrays.toString(e.getValue()), "no such tensor",
                        "the weights do not belong to this config.json (another model, or cut short): " + again(c.folder())));
                continue;
            }
            if (!Arrays.equals(t.shape(), e.getValue()))
                c.problems().add(new Problem(file, e.getKey(), "shape " + Arrays.toString(e.getValue()) + " (from config.json)",
                        "shape " + Arrays.toString(t.shape()), "config.json and the weights disagree (a different model size?): " + again(c.folder())));
            else if (t.dtype() != DType.F32 && t.dtype() != DType.F16 && t.dtype() != DType.BF16)
                c.problems().add(new Problem(file, e.getKey(), "f32, f16 or bf16", t.dtype().name().toLowerCase(java.util.Locale.ROOT),
                        "quantized or integer checkpoints are not supported: use the official weights (" + again(c.folder()) + ")"));
        }
        for (String name : have.keySet()) {
            if (expected.containsKey(name)) continue;
            Matcher m = LAYER.matcher(name);
            if (m.matches() && expected.keySet().stream().anyMatch(k -> k.startsWith(m.group(1) + ".")))
                c.problems().add(new Problem(file, name, "at most the layers config.json declares", "layer " + m.group(2),
                        "config.json and the weights disagree (a different model size?): " + again(c.folder())));
            else
                c.notes().add(name + " is not read by AceForge (ignored)");
        }
    }

    private static String brief(Throwable e, Path folder) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace(folder + "/", "").replace(folder + ": ", "").replace(folder.toString(), "");
    }
}
