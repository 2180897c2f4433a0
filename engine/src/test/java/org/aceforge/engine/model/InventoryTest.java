package org.aceforge.engine.model;

import org.aceforge.engine.jobs.ModelLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a checkpoints folder holds, read from headers only; damaged or half-downloaded folders are reported, never thrown. */
class InventoryTest {
    @TempDir
    Path tmp;

    static Inventory.Component find(List<Inventory.Component> list, String kind, String name) {
        return list.stream().filter(c -> c.kind().equals(kind) && c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void installedDamagedDownloadingAndMissing() throws Exception {
        Path demo = ModelLocator.ensureDemoPack().root();
        Path root = Files.createDirectories(tmp.resolve("checkpoints"));
        for (String f : List.of("acestep-v15-turbo", "vae")) {
            Files.createDirectories(root.resolve(f));
            try (var s = Files.list(demo.resolve(f))) {
                for (Path p : s.toList()) Files.copy(p, root.resolve(f).resolve(p.getFileName()));
            }
        }
        byte[] vae = Files.readAllBytes(root.resolve("vae/diffusion_pytorch_model.safetensors"));
        Files.write(root.resolve("vae/diffusion_pytorch_model.safetensors"), java.util.Arrays.copyOf(vae, vae.length / 2));
        Files.createDirectories(root.resolve(".aceforge-partial/acestep-v15-base"));

        List<Inventory.Component> list = Inventory.of(root);
        Inventory.Component turbo = find(list, "DiT", "turbo");
        assertEquals("installed", turbo.status());
        assertEquals("f32", turbo.precision());
        assertTrue(turbo.bytes() > 1_000_000);
        assertTrue(find(list, "VAE", "vae").status().startsWith("damaged"), find(list, "VAE", "vae").toString());
        assertTrue(find(list, "DiT", "base").status().startsWith("downloading"));
        assertEquals("missing", find(list, "DiT", "sft").status());
        assertEquals("missing", find(list, "text encoder", ModelPack.TEXT_ENCODER).status());
        assertEquals("missing", find(list, "5 Hz LM", "1.7B").status());
    }
}
