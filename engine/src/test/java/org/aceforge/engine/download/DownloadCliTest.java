package org.aceforge.engine.download;

import org.aceforge.engine.cli.RenderCliTest;
import org.aceforge.engine.jobs.ModelLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code aceforge models download} against the local hub: exit 0 installed, 2 unknown name, 3 download failed, one line each. */
class DownloadCliTest {
    @TempDir
    Path tmp;

    static RenderCliTest.Run cli(String... args) {
        return RenderCliTest.cli(args);
    }

    @Test
    void downloadsListsAndFailsWithTheRightExitCodes() throws Exception {
        try (FakeHub hub = new FakeHub(100)) {
            hub.add("ACE-Step/acestep-v15-base", "", ModelLocator.ensureDemoPack().root().resolve("acestep-v15-base"));
            System.setProperty("aceforge.env.HF_ENDPOINT", hub.hfEndpoint());
            System.setProperty("aceforge.env.MODELSCOPE_ENDPOINT", hub.msEndpoint());
            Path to = tmp.resolve("models");
            RenderCliTest.Run ok = cli("models", "download", "base", "--to", to.toString());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().contains("installed " + to.resolve("acestep-v15-base")), ok.out());
            assertTrue(Files.isRegularFile(to.resolve("acestep-v15-base/model.safetensors")));

            RenderCliTest.Run unknown = cli("models", "download", "nonsense", "--to", to.toString());
            assertEquals(2, unknown.code());
            assertTrue(unknown.err().contains("unknown model 'nonsense'") && unknown.err().contains("main, base"), unknown.err());

            RenderCliTest.Run missing = cli("models", "download", "sft", "--to", to.toString());
            assertEquals(3, missing.code(), missing.err());
            assertEquals(1, missing.err().strip().lines().count(), missing.err());
            assertTrue(missing.err().contains("acestep-v15-sft") && missing.err().contains("not found"), missing.err());

            RenderCliTest.Run list = cli("models", "download", "--list");
            assertEquals(0, list.code());
            for (ModelCatalog.Entry e : ModelCatalog.all()) assertTrue(list.out().contains(e.name()), list.out());
        } finally {
            System.clearProperty("aceforge.env.HF_ENDPOINT");
            System.clearProperty("aceforge.env.MODELSCOPE_ENDPOINT");
        }
    }
}
