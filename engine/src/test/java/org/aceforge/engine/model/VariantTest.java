package org.aceforge.engine.model;

import org.aceforge.engine.cli.Main;
import org.aceforge.engine.jobs.ModelLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every DiT variant is recognised by its folder and can be asked for by name; turbo falls back to any turbo folder. */
class VariantTest {
    @TempDir
    Path tmp;

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }

    @Test
    void namesAndFolders() throws Exception {
        assertEquals(ModelPack.Variant.TURBO_SHIFT1, ModelPack.Variant.find("turbo-shift1"));
        assertEquals("turbo-continuous", ModelPack.Variant.TURBO_CONTINUOUS.id());
        assertTrue(ModelPack.Variant.TURBO_SHIFT3.turbo() && !ModelPack.Variant.SFT.turbo() && !ModelPack.Variant.BASE.turbo());
        assertNull(ModelPack.Variant.find("xl"));
        // The ACE-Step API's model field names checkpoint folders; the most specific variant wins.
        assertEquals(ModelPack.Variant.TURBO, ModelPack.Variant.find("acestep-v15-turbo"));
        assertEquals(ModelPack.Variant.TURBO_SHIFT3, ModelPack.Variant.find("acestep-v15-turbo-shift3"));
        assertEquals(ModelPack.Variant.TURBO, ModelPack.Variant.find("acestep-v15-turbo-rl"));
        assertEquals(ModelPack.Variant.SFT, ModelPack.Variant.find("acestep-v15-base-sft-fix-inst"));
        assertEquals(ModelPack.Variant.BASE, ModelPack.Variant.find("ACESTEP-V15-BASE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelPack.Variant.parse("xl")).getMessage().contains("turbo-shift1"));

        Path demo = ModelLocator.ensureDemoPack().root(), root = tmp.resolve("checkpoints");
        copy(demo.resolve("acestep-v15-turbo"), root.resolve("acestep-v15-turbo-shift1"));
        for (String f : List.of("vae", "Qwen3-Embedding-0.6B")) copy(demo.resolve(f), root.resolve(f));
        ModelPack pack = new ModelPack(root);
        assertEquals(root.resolve("acestep-v15-turbo-shift1"), pack.dit(ModelPack.Variant.TURBO), "turbo: any turbo folder");
        assertEquals(root.resolve("acestep-v15-turbo-shift1"), pack.dit(ModelPack.Variant.TURBO_SHIFT1));
        assertThrows(ModelFolderException.class, () -> pack.dit(ModelPack.Variant.TURBO_SHIFT3));
        assertTrue(pack.installedVariants().contains(ModelPack.Variant.TURBO_SHIFT1));

        Path out = tmp.resolve("s1.wav");
        assertEquals(0, Main.execute("render", "--model", root.toString(), "--variant", "turbo-shift1", "--caption", "x",
                "--duration", "10", "--seed", "1", "--out", out.toString()));
        assertTrue(Files.readString(tmp.resolve("s1.json")).contains("\"variant\" : \"turbo-shift1\""));
        assertEquals(2, Main.execute("render", "--model", root.toString(), "--variant", "turbo-shift1", "--task", "extract",
                "--src", out.toString(), "--track", "drums", "--out", tmp.resolve("x.wav").toString()), "extract needs base");
    }
}
