package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetsTest {
    @TempDir
    Path tmp;

    @Test
    void factoryPresetsForEveryModeButSimple() {
        Presets p = new Presets(tmp.resolve("presets.json"));
        for (Mode m : Mode.values())
            assertFalse(p.forMode(m.key()).isEmpty(), m.key());
        assertTrue(p.forMode("custom").stream().allMatch(Presets.Preset::factory));
    }

    @Test
    void saveRenameDeleteAndPersist() throws Exception {
        Path f = tmp.resolve("presets.json");
        Presets p = new Presets(f);
        int factory = p.forMode("custom").size();
        p.save("Mine", "custom", Map.of("caption", "dark techno", "bpm", "132"));
        assertTrue(Files.isRegularFile(f));
        Presets reopened = new Presets(f);
        Presets.Preset mine = reopened.forMode("custom").get(factory);
        assertEquals("Mine", mine.name());
        assertEquals("132", mine.values().get("bpm"));
        reopened.rename(mine, "Techno");
        assertEquals("Techno", new Presets(f).forMode("custom").get(factory).name());
        Presets again = new Presets(f);
        again.delete(again.forMode("custom").get(factory));
        assertEquals(factory, new Presets(f).forMode("custom").size());
        Presets.Preset fac = again.forMode("custom").get(0);
        assertThrows(IllegalArgumentException.class, () -> again.delete(fac));
        assertThrows(IllegalArgumentException.class, () -> again.save(" ", "custom", Map.of()));
    }

    @Test
    void settingsPersistAndSurviveDamage() throws Exception {
        System.setProperty("aceforge.config", tmp.toString());
        try {
            StudioSettings s = new StudioSettings();
            s.modelDir = "/models";
            s.variant = "base";
            s.language = "ja";
            s.save();
            StudioSettings r = StudioSettings.load();
            assertEquals("/models", r.modelDir);
            assertEquals("ja", r.language);
            Files.writeString(tmp.resolve("studio.json"), "{ broken");
            assertEquals("turbo", StudioSettings.load().variant);
        } finally {
            System.clearProperty("aceforge.config");
        }
    }

    @Test
    void everyKeyIsTranslated() throws Exception {
        java.util.Properties en = new java.util.Properties(), zh = new java.util.Properties(), ja = new java.util.Properties();
        ClassLoader cl = getClass().getClassLoader();
        try (var a = cl.getResourceAsStream("org/aceforge/ui/studio/messages.properties");
             var b = cl.getResourceAsStream("org/aceforge/ui/studio/messages_zh.properties");
             var c = cl.getResourceAsStream("org/aceforge/ui/studio/messages_ja.properties")) {
            en.load(new java.io.InputStreamReader(a, java.nio.charset.StandardCharsets.UTF_8));
            zh.load(new java.io.InputStreamReader(b, java.nio.charset.StandardCharsets.UTF_8));
            ja.load(new java.io.InputStreamReader(c, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(en.keySet(), zh.keySet());
        assertEquals(en.keySet(), ja.keySet());
        I18n.use("zh");
        assertEquals("重绘", I18n.t("mode.repaint"));
        I18n.use("ja");
        assertEquals("リペイント", I18n.t("mode.repaint"));
        I18n.use("en");
        assertEquals("Repaint", I18n.t("mode.repaint"));
    }
}
