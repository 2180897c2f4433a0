package org.aceforge.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code shared/fixtures} (beside the repository, as on CI and developer machines). */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir(String name) {
        String p = System.getProperty("aceforge.fixtures");
        Path root = p != null ? Path.of(p) : Path.of("../../shared/fixtures");
        Path d = root.resolve(name).toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) throw new IllegalStateException("fixture folder not found: " + d);
        return d;
    }
}
