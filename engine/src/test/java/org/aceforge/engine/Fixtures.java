package org.aceforge.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the fixtures (tiny checkpoints with the official code's outputs): vendored in {@code engine/src/test/fixtures},
 * so a fresh clone tests on its own; {@link FixturesVendoredTest} keeps them identical to {@code shared/fixtures}
 * where that folder sits beside the repository.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        String p = System.getProperty("aceforge.fixtures");
        return (p != null ? Path.of(p) : Path.of("src/test/fixtures")).toAbsolutePath().normalize();
    }

    public static Path dir(String name) {
        Path d = root().resolve(name);
        if (!Files.isDirectory(d)) throw new IllegalStateException("fixture folder not found: " + d);
        return d;
    }
}
