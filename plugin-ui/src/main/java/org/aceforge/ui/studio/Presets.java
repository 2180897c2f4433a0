package org.aceforge.ui.studio;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named parameter sets per mode: factory presets shipped as JSON (module presets/, resource
 * {@code presets/factory.json}) and user presets saved beside the settings. EDT only.
 */
public final class Presets {
    /** One preset: its name, mode and field values (by field key). */
    public record Preset(String name, String mode, Map<String, String> values, boolean factory) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final List<Preset> factory = new ArrayList<>();
    private final List<Preset> user = new ArrayList<>();
    private final Path userFile;

    public Presets(Path userFile) {
        this.userFile = userFile;
        try (InputStream in = Presets.class.getClassLoader().getResourceAsStream("presets/factory.json")) {
            if (in != null) for (Map<String, Object> p : JSON.readValue(in, new TypeReference<List<Map<String, Object>>>() {}))
                factory.add(toPreset(p, true));
        } catch (IOException e) {
            // Factory presets are a convenience; the studio works without them.
        }
        try {
            if (Files.isRegularFile(userFile))
                for (Map<String, Object> p : JSON.readValue(userFile.toFile(), new TypeReference<List<Map<String, Object>>>() {}))
                    user.add(toPreset(p, false));
        } catch (IOException e) {
            // A damaged user preset file is ignored (and rewritten on the next save).
        }
    }

    @SuppressWarnings("unchecked")
    private static Preset toPreset(Map<String, Object> p, boolean factory) {
        Map<String, String> values = new LinkedHashMap<>();
        ((Map<String, Object>) p.getOrDefault("values", Map.of())).forEach((k, v) -> values.put(k, String.valueOf(v)));
        return new Preset(String.valueOf(p.get("name")), String.valueOf(p.get("mode")), values, factory);
    }

    /** The "random example" (🎲) set: complete text2music fields a musician can start from. */
    public static List<Map<String, String>> examples() {
        try (InputStream in = Presets.class.getClassLoader().getResourceAsStream("presets/examples.json")) {
            if (in == null) return List.of();
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(in,
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, String>>>() {});
        } catch (IOException e) {
            return List.of();
        }
    }

    public List<Preset> forMode(String mode) {
        List<Preset> out = new ArrayList<>();
        for (Preset p : factory) if (p.mode().equals(mode)) out.add(p);
        for (Preset p : user) if (p.mode().equals(mode)) out.add(p);
        return out;
    }

    public void save(String name, String mode, Map<String, String> values) throws IOException {
        if (name == null || name.isBlank()) throw new IllegalArgumentException(I18n.t("preset.nameEmpty"));
        user.removeIf(p -> p.name().equals(name) && p.mode().equals(mode));
        user.add(new Preset(name.strip(), mode, new LinkedHashMap<>(values), false));
        write();
    }

    public void rename(Preset p, String newName) throws IOException {
        if (p.factory()) throw new IllegalArgumentException(I18n.t("preset.factoryReadOnly"));
        if (newName == null || newName.isBlank()) throw new IllegalArgumentException(I18n.t("preset.nameEmpty"));
        user.replaceAll(x -> x == p ? new Preset(newName.strip(), p.mode(), p.values(), false) : x);
        write();
    }

    public void delete(Preset p) throws IOException {
        if (p.factory()) throw new IllegalArgumentException(I18n.t("preset.factoryReadOnly"));
        user.remove(p);
        write();
    }

    private void write() throws IOException {
        Files.createDirectories(userFile.getParent());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Preset p : user) out.add(Map.of("name", p.name(), "mode", p.mode(), "values", p.values()));
        Path tmp = Files.createTempFile(userFile.getParent(), "presets", ".part");
        JSON.writeValue(tmp.toFile(), out);
        Files.move(tmp, userFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
