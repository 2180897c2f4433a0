package org.aceforge.engine.model;

import java.util.Map;

/**
 * Where each checkpoint folder is published (Hugging Face, the official ACE-Step 1.5 repositories; spec §1.1), so a
 * missing model can say how to get it. The main repository holds the default set as subfolders; the others are
 * repositories of their own whose files go into a folder of that name.
 */
public final class ModelSources {
    public static final String MAIN_REPO = "ACE-Step/Ace-Step1.5";
    private static final Map<String, String> OWN_REPOS = Map.of(
            "acestep-v15-sft", "ACE-Step/acestep-v15-sft",
            "acestep-v15-base", "ACE-Step/acestep-v15-base",
            "acestep-v15-turbo-shift3", "ACE-Step/acestep-v15-turbo-shift3",
            "acestep-v15-turbo-shift1", "ACE-Step/acestep-v15-turbo-shift1",
            "acestep-v15-turbo-continuous", "ACE-Step/acestep-v15-turbo-continuous",
            "acestep-5Hz-lm-0.6B", "ACE-Step/acestep-5Hz-lm-0.6B",
            "acestep-5Hz-lm-4B", "ACE-Step/acestep-5Hz-lm-4B");

    private ModelSources() {}

    /** The repository a folder comes from: its own, or the main one (acestep-v15-turbo, vae, Qwen3-Embedding-0.6B, acestep-5Hz-lm-1.7B). */
    public static String repo(String folder) {
        return OWN_REPOS.getOrDefault(folder, MAIN_REPO);
    }

    /** One sentence for an error message: where to get a folder and where to put it. */
    public static String hint(String folder, java.nio.file.Path root) {
        String repo = repo(folder);
        String from = repo.equals(MAIN_REPO) ? "the " + folder + "/ folder of huggingface.co/" + repo : "huggingface.co/" + repo;
        return "get it with ./aceforge models download " + downloadName(folder) + " --to " + root + " (from " + from + "; docs/models.md)";
    }

    /** The name {@code models download} takes for a folder. */
    static String downloadName(String folder) {
        return switch (folder) {
            case "acestep-v15-turbo", "vae", "Qwen3-Embedding-0.6B", "acestep-5Hz-lm-1.7B" -> "main";
            default -> folder;
        };
    }
}
