package org.aceforge.engine.jobs;

import org.aceforge.engine.demo.DemoPack;
import org.aceforge.engine.model.ModelPack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the checkpoints folder: an explicit {@code --model}, else {@code $ACEFORGE_MODELS}, else
 * {@code ~/.aceforge/models} when it holds checkpoints, else the embedded demo pack (generated on first use into the
 * cache). The program never downloads weights.
 */
public final class ModelLocator {
    private ModelLocator() {}

    public static Path userModels() {
        String env = System.getenv("ACEFORGE_MODELS");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".aceforge", "models");
    }

    public static Path demoPackDir() {
        String p = System.getProperty("aceforge.cache");
        Path root = p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "aceforge");
        return root.resolve("demo-pack");
    }

    /** The folder to use when the user named none. */
    public static ModelPack defaultPack() throws IOException {
        Path user = userModels();
        if (Files.isDirectory(user) && !new ModelPack(user).installedVariants().isEmpty()) return new ModelPack(user);
        return ensureDemoPack();
    }

    /** Generates the demo pack once (into a temporary folder renamed into place, so a half-written pack never appears). */
    public static synchronized ModelPack ensureDemoPack() throws IOException {
        Path dir = demoPackDir();
        if (DemoPack.isCurrent(dir)) return new ModelPack(dir);
        try {
            DemoPack.makeAtomically(dir);
        } catch (IOException e) {
            // Another process may have finished the same pack first.
            if (!DemoPack.isCurrent(dir)) throw e;
        }
        return new ModelPack(dir);
    }
}
