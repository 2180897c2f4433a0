package org.aceforge.ui.studio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Settings that persist between runs (JSON in {@code ~/.config/aceforge/studio.json}, or under the
 * {@code aceforge.config} folder). Public fields so Jackson can map them; EDT only.
 */
public final class StudioSettings {
    public String modelDir = "";
    public String variant = "turbo";
    public String device = "auto";
    public String theme = "dark";
    public String language = "en";
    public boolean int8 = false;
    public boolean offload = false;
    public String lastFolder = "";
    public int width = 1280, height = 860;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static Path folder() {
        String p = System.getProperty("aceforge.config");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".config", "aceforge");
    }

    public static StudioSettings load() {
        Path f = folder().resolve("studio.json");
        try {
            if (Files.isRegularFile(f)) return JSON.readValue(f.toFile(), StudioSettings.class);
        } catch (IOException e) {
            // A damaged settings file falls back to defaults; it is rewritten on the next save.
        }
        return new StudioSettings();
    }

    public void save() throws IOException {
        Path dir = Files.createDirectories(folder());
        Path tmp = Files.createTempFile(dir, "studio", ".part");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve("studio.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
