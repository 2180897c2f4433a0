package org.aceforge.server;

import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The load bench's command works at a small size: every job ends, nothing answers 5xx (its figures are printed). */
class LoadBenchTest {
    @Test
    void aSmallLoadRunsClean() throws Exception {
        LoadBench.Result r = LoadBench.run(24, 12, DemoPackFixture.pack().root(), Path.of("target", "load-bench").toAbsolutePath());
        r.print();
        assertEquals(0, r.failures());
        assertEquals(0, r.serverErrors());
        assertEquals(24, r.releaseNanos().size());
    }
}
