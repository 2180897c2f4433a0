package org.aceforge.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing model says where to get it (the official repository and folder) and where to put it, not only what is missing. */
class MissingModelTest {
    @TempDir
    Path tmp;

    @Test
    void everyMissingPartNamesItsSource() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("checkpoints"));
        ModelPack pack = new ModelPack(root);
        String dit = assertThrows(ModelFolderException.class, () -> pack.dit(ModelPack.Variant.BASE)).getMessage();
        assertTrue(dit.contains("huggingface.co/ACE-Step/acestep-v15-base") && dit.contains("models download acestep-v15-base --to " + root)
                && dit.contains("docs/models.md"), dit);
        String turbo = assertThrows(ModelFolderException.class, () -> pack.dit(ModelPack.Variant.TURBO)).getMessage();
        assertTrue(turbo.contains("acestep-v15-turbo/ folder of huggingface.co/ACE-Step/Ace-Step1.5") && turbo.contains("models download main"), turbo);
        String vae = assertThrows(ModelFolderException.class, pack::vae).getMessage();
        assertTrue(vae.contains("vae/ folder of huggingface.co/ACE-Step/Ace-Step1.5"), vae);
        String lm = assertThrows(ModelFolderException.class, () -> pack.lm("4B")).getMessage();
        assertTrue(lm.contains("huggingface.co/ACE-Step/acestep-5Hz-lm-4B"), lm);
        assertEquals("ACE-Step/Ace-Step1.5", ModelSources.repo("Qwen3-Embedding-0.6B"));
    }
}
