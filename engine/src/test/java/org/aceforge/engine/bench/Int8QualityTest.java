package org.aceforge.engine.bench;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.graph.Int8Kernel;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** --int8 stays within the quality budget against fp32 through every kernel: a whole render, latents and audio. */
class Int8QualityTest {
    @TempDir
    Path tmp;
    final String forced = System.getProperty("aceforge.int8.kernel");

    @AfterEach
    void restore() {
        System.setProperty("aceforge.int8.kernel", forced == null ? "nbits" : forced);
        org.aceforge.engine.runtime.Int8ChoiceAccess.reset();
    }

    void render(String name, boolean int8) throws Exception {
        try (RenderService s = new RenderService(1, new GraphCache(tmp.resolve("g")))) {
            RenderRequest r = RenderRequest.builder().caption("warm lofi hip hop, dusty piano").lyrics(SongBench.LYRICS).duration(10)
                    .seed(42).int8(int8).modelDir(DemoPackFixture.pack().root()).output(tmp.resolve(name + ".wav")).build();
            s.submit(r, p -> { }, tmp.resolve(name)).result().get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyKernelRendersWithinTheBudget() throws Exception {
        render("fp32", false);
        for (Int8Kernel k : Int8Kernel.values()) {
            if (!k.automatic()) continue;
            System.setProperty("aceforge.int8.kernel", k.id());
            org.aceforge.engine.runtime.Int8ChoiceAccess.reset();
            render(k.id(), true);
            SongBench.Quality q = SongBench.Quality.of(tmp, k.id(), "fp32");
            assertTrue(q.latentError() > 0, k + ": INT8 must actually differ");
            if (q.withinBudget()) continue;
            // Off budget is allowed only on a CPU whose u8·s8 products saturate (no VNNI), and only if the chooser's own
            // measurement there rules the kernel out, so that no render ever uses it unasked.
            assertTrue(!org.aceforge.engine.runtime.Int8ChoiceAccess.vnni(), k + ": " + q);
            var measured = org.aceforge.engine.runtime.Int8Choice.measure(1).stream().filter(m -> m.kernel() == k).findFirst().orElseThrow();
            assertTrue(measured.relativeError() > org.aceforge.engine.runtime.Int8Choice.ERROR_BUDGET,
                    k + " renders off budget (" + q + ") yet its measurement " + measured + " would let it be chosen");
        }
    }
}
