package org.aceforge.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A checkpoints folder in the original Hugging Face layout: DiT folders ({@code acestep-v15-turbo}, {@code -sft},
 * {@code -base}, …), {@code vae/} and {@code Qwen3-Embedding-0.6B/}. Resolves a variant to its DiT folder.
 */
public record ModelPack(Path root) {
    public static final String VAE = "vae";
    public static final String TEXT_ENCODER = "Qwen3-Embedding-0.6B";
    public static final String DEMO_MARKER = "AceForge-demo-pack.txt";

    /**
     * DiT variants a user can ask for. {@code turbo} is the default turbo, or any other turbo folder when that is all
     * that is installed; the turbo checkpoints trained at shift 1, shift 3 or for any shift can also be asked for by
     * name. Every turbo variant runs text2music, cover and repaint; only base runs extract, lego and complete.
     */
    public enum Variant {
        TURBO("acestep-v15-turbo", "acestep-v15-turbo-shift3", "acestep-v15-turbo-shift1", "acestep-v15-turbo-continuous", "acestep-v15-turbo-rl"),
        SFT("acestep-v15-sft", "acestep-v15-base-sft-fix-inst"),
        BASE("acestep-v15-base"),
        TURBO_SHIFT1("acestep-v15-turbo-shift1"),
        TURBO_SHIFT3("acestep-v15-turbo-shift3"),
        TURBO_CONTINUOUS("acestep-v15-turbo-continuous");

        /** Every name users can type, for messages. */
        public static final String NAMES = "turbo, sft, base, turbo-shift1, turbo-shift3, turbo-continuous";

        final String[] folders;

        Variant(String... folders) {
            this.folders = folders;
        }

        public static Variant parse(String s) {
            Variant v = find(s);
            if (v == null) throw new IllegalArgumentException("unknown variant '" + s + "' (use " + NAMES + ")");
            return v;
        }

        /**
         * The variant of a name ("turbo-shift1") or of a checkpoint folder name ("acestep-v15-turbo-shift3", as the
         * ACE-Step API's {@code model} field gives it), or null.
         */
        public static Variant find(String s) {
            if (s == null) return null;
            String name = s.strip().toLowerCase(Locale.ROOT);
            for (Variant v : values()) if (v.id().equals(name)) return v;
            for (Variant v : values()) if (v.folders[0].equals(name)) return v;
            for (Variant v : values()) if (Arrays.asList(v.folders).contains(name)) return v;
            return null;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The turbo checkpoints (fixed 8-step tables, no CFG). */
        public boolean turbo() {
            return this != SFT && this != BASE;
        }
    }

    /** The DiT folder of a variant; a clear error when it is not installed. */
    public Path dit(Variant v) {
        for (String f : v.folders) {
            Path p = root.resolve(f);
            if (Files.isRegularFile(p.resolve("config.json"))) return p;
        }
        throw new ModelFolderException(root + ": no " + v.id() + " DiT (expected a folder " + v.folders[0]
                + " with config.json and model.safetensors): " + ModelSources.hint(v.folders[0], root));
    }

    public List<Variant> installedVariants() {
        List<Variant> out = new ArrayList<>();
        for (Variant v : Variant.values())
            for (String f : v.folders)
                if (Files.isRegularFile(root.resolve(f).resolve("config.json"))) { out.add(v); break; }
        return out;
    }

    public Path vae() {
        return require(root.resolve(VAE), "the VAE");
    }

    public Path textEncoder() {
        return require(root.resolve(TEXT_ENCODER), "the Qwen3-Embedding-0.6B text encoder");
    }

    /** 5 Hz LM folders are {@code acestep-5Hz-lm-<size>}. */
    public static final String LM_PREFIX = "acestep-5Hz-lm-";
    /** Which LM to use when the user names none: the reference's default first, then the smaller one. */
    private static final List<String> LM_PREFERENCE = List.of("1.7B", "0.6B", "4B");

    /** Installed LM sizes ("0.6B", "1.7B", "4B" or whatever follows the prefix), preferred first. */
    public List<String> installedLms() {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(root)) {
            s.filter(p -> p.getFileName().toString().startsWith(LM_PREFIX) && Files.isRegularFile(p.resolve("config.json")))
                    .map(p -> p.getFileName().toString().substring(LM_PREFIX.length())).sorted().forEach(out::add);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return out;
        }
        out.sort(java.util.Comparator.comparingInt(n -> LM_PREFERENCE.contains(n) ? LM_PREFERENCE.indexOf(n) : LM_PREFERENCE.size()));
        return out;
    }

    /** The LM folder for a size ("1.7B"), a folder name, or null for the preferred installed one. */
    public Path lm(String name) {
        List<String> installed = installedLms();
        if (name == null || name.isBlank() || name.equals("auto")) {
            if (installed.isEmpty())
                throw new ModelFolderException(root + ": no 5 Hz LM installed (expected a folder " + LM_PREFIX + "1.7B with config.json, model.safetensors and tokenizer.json): "
                        + ModelSources.hint(LM_PREFIX + "1.7B", root));
            return root.resolve(LM_PREFIX + installed.get(0));
        }
        String size = name.startsWith(LM_PREFIX) ? name.substring(LM_PREFIX.length()) : name;
        if (!installed.contains(size))
            throw new ModelFolderException(root + ": no 5 Hz LM '" + name + "'" + (installed.isEmpty() ? " (none installed)" : " (installed: " + String.join(", ", installed) + ")")
                    + ": " + ModelSources.hint(LM_PREFIX + size, root));
        Path p = root.resolve(LM_PREFIX + size);
        if (!Files.isRegularFile(p.resolve("tokenizer.json"))) throw new ModelFolderException(p + ": missing tokenizer.json");
        return p;
    }

    public boolean isDemo() {
        return Files.isRegularFile(root.resolve(DEMO_MARKER));
    }

    private Path require(Path p, String what) {
        if (!Files.isRegularFile(p.resolve("config.json")))
            throw new ModelFolderException(root + ": missing " + what + " (expected " + p + "/config.json): "
                    + ModelSources.hint(p.getFileName().toString(), root));
        return p;
    }

    /** Checks the folder has a DiT, the VAE and the text encoder; throws with what is missing. */
    public void validate(Variant v) {
        if (!Files.isDirectory(root)) throw new ModelFolderException("model folder " + root + " does not exist");
        dit(v);
        vae();
        textEncoder();
        if (!Files.isRegularFile(textEncoder().resolve("tokenizer.json")))
            throw new ModelFolderException(textEncoder() + ": missing tokenizer.json");
    }
}
