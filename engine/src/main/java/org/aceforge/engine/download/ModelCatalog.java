package org.aceforge.engine.download;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The official ACE-Step 1.5 checkpoints AceForge can fetch (spec §1.1): the main bundle's four folders in
 * {@code ACE-Step/Ace-Step1.5}, and the repositories of their own. Each entry says what the model is for and roughly how
 * large it is, for the first-run dialog and {@code models download --list}.
 */
public final class ModelCatalog {
    /**
     * One folder to install.
     *
     * @param repo      the repository on the hub
     * @param subfolder the folder inside the repository holding the files ("" for the repository's root)
     * @param target    the folder it becomes in the checkpoints folder
     */
    public record Part(String repo, String subfolder, String target) {}

    /** A name users type: one or more folders. */
    public record Entry(String name, String purpose, long approxBytes, List<Part> parts) {}

    public static final String MAIN_REPO = "ACE-Step/Ace-Step1.5";
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add(new Entry("main", "the default set: turbo DiT (8 steps), VAE, Qwen3 text encoder, 1.7B 5 Hz LM", 9_700_000_000L, List.of(
                new Part(MAIN_REPO, "acestep-v15-turbo", "acestep-v15-turbo"), new Part(MAIN_REPO, "vae", "vae"),
                new Part(MAIN_REPO, "Qwen3-Embedding-0.6B", "Qwen3-Embedding-0.6B"),
                new Part(MAIN_REPO, "acestep-5Hz-lm-1.7B", "acestep-5Hz-lm-1.7B"))));
        own("base", "acestep-v15-base", "the base DiT: every task (extract, lego, complete), CFG", 4_800_000_000L);
        own("sft", "acestep-v15-sft", "the SFT DiT: CFG, ~50 steps, best detail", 4_800_000_000L);
        own("turbo-shift1", "acestep-v15-turbo-shift1", "turbo trained at shift 1", 4_800_000_000L);
        own("turbo-shift3", "acestep-v15-turbo-shift3", "turbo trained at shift 3", 4_800_000_000L);
        own("turbo-continuous", "acestep-v15-turbo-continuous", "turbo for any shift 1–5", 4_800_000_000L);
        own("lm-0.6B", "acestep-5Hz-lm-0.6B", "the small 5 Hz LM (less memory, faster planning)", 1_300_000_000L);
        own("lm-4B", "acestep-5Hz-lm-4B", "the large 5 Hz LM (best planning, most memory)", 8_000_000_000L);
    }

    private ModelCatalog() {}

    private static void add(Entry e) {
        ENTRIES.put(e.name(), e);
    }

    private static void own(String name, String folder, String purpose, long bytes) {
        add(new Entry(name, purpose, bytes, List.of(new Part("ACE-Step/" + folder, "", folder))));
    }

    public static List<Entry> all() {
        return List.copyOf(ENTRIES.values());
    }

    /**
     * The entry of a name as users type it: the short name ("base"), the folder ("acestep-v15-base") or the repository
     * ("ACE-Step/acestep-v15-base"), in any case; null when there is none.
     */
    public static Entry find(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Entry e : ENTRIES.values()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(n)) return e;
            for (Part p : e.parts())
                if (e.parts().size() == 1 && (p.target().toLowerCase(Locale.ROOT).equals(n) || p.repo().toLowerCase(Locale.ROOT).equals(n)))
                    return e;
            if (e.name().equals("main") && n.equals(MAIN_REPO.toLowerCase(Locale.ROOT))) return e;
        }
        return null;
    }

    /** Every name accepted, for messages. */
    public static String names() {
        List<String> out = new ArrayList<>();
        for (Entry e : ENTRIES.values()) out.add(e.name());
        return String.join(", ", out);
    }

    /**
     * Whether the engine reads a file (by its name within a model folder): configs, weights (single or sharded, with
     * their index), the silence latent and the tokenizer. Code, READMEs and training leftovers are not fetched.
     */
    public static boolean engineReads(String fileName) {
        return fileName.equals("config.json") || fileName.endsWith(".safetensors") || fileName.equals("model.safetensors.index.json")
                || fileName.equals("silence_latent.pt") || fileName.equals("tokenizer.json");
    }
}
