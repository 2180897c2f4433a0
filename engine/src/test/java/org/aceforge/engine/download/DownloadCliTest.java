package org.aceforge.engine.download;

import org.aceforge.engine.cli.Main;
import org.aceforge.engine.jobs.ModelLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code aceforge models download} against the local hub: exit 0 installed, 2 unknown name, 3 download failed, one line each. */
class DownloadCliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static synchronized Run cli(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream ob = new ByteArrayOutputStream(), eb = new ByteArrayOutputStream();
        System.setOut(new PrintStream(ob, true));
        System.setErr(new PrintStream(eb, true));
        try {
            return new Run(Main.execute(args), ob.toString(), eb.toString());
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void downloadsListsAndFailsWithTheRightExitCodes() throws Exception {
        try (FakeHub hub = new FakeHub(100)) {
            hub.add("ACE-Step/acestep-v15-base", "", ModelLocator.ensureDemoPack().root().resolve("acestep-v15-base"));
            System.setProperty("aceforge.env.HF_ENDPOINT", hub.hfEndpoint());
            System.setProperty("aceforge.env.MODELSCOPE_ENDPOINT", hub.msEndpoint());
            Path to = tmp.resolve("models");
            Run ok = cli("models", "download", "base", "--to", to.toString());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().contains("installed " + to.resolve("acestep-v15-base")), ok.out());
            assertTrue(Files.isRegularFile(to.resolve("acestep-v15-base/model.safetensors")));

            Run unknown = cli("models", "download", "nonsense", "--to", to.toString());
            assertEquals(2, unknown.code());
            assertTrue(unknown.err().contains("unknown model 'nonsense'") && unknown.err().contains("main, base"), unknown.err());

            Run missing = cli("models", "download", "sft", "--to", to.toString());
            assertEquals(3, missing.code(), missing.err());
            assertEquals(1, missing.err().strip().lines().count(), missing.err());
            assertTrue(missing.err().contains("acestep-v15-sft") && missing.err().contains("not found"), missing.err());

            Run list = cli("models", "download", "--list");
            assertEquals(0, list.code());
            for (ModelCatalog.Entry e : ModelCatalog.all()) assertTrue(list.out().contains(e.name()), list.out());
        } finally {
            System.clearProperty("aceforge.env.HF_ENDPOINT");
            System.clearProperty("aceforge.env.MODELSCOPE_ENDPOINT");
        }
    }
}
