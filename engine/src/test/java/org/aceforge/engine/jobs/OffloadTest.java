package org.aceforge.engine.jobs;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Offload frees every session after a render (LM included) and changes nothing in the audio. */
class OffloadTest {
    @TempDir
    Path tmp;

    RenderRequest request(Path out) {
        return RenderRequest.builder().caption("warm keys").duration(10).seed(4).modelDir(DemoPackFixture.pack().root())
                .lm(LmRequest.thinking()).output(out).build();
    }

    @Test
    void offloadFreesTheModelsAndKeepsTheAudio() throws Exception {
        Path kept = tmp.resolve("kept.wav"), freed = tmp.resolve("freed.wav");
        try (RenderService s = new RenderService(1, new GraphCache(tmp.resolve("g"))).memory(MemoryTierTest.plenty())) {
            s.submit(request(kept), p -> { }, null).result().get(300, TimeUnit.SECONDS);
            assertTrue(s.openSessions() >= 5, "without offload the models stay loaded: " + s.openSessions());
            s.offload(true);
            s.submit(request(freed), p -> { }, null).result().get(300, TimeUnit.SECONDS);
            assertEquals(0, s.openSessions(), "with offload nothing stays loaded");
            Path again = tmp.resolve("again.wav");
            s.submit(request(again), p -> { }, null).result().get(300, TimeUnit.SECONDS);   // sessions open again
            assertArrayEquals(Files.readAllBytes(kept), Files.readAllBytes(again));
        }
        assertArrayEquals(Files.readAllBytes(kept), Files.readAllBytes(freed), "offload changes nothing in the audio");
    }
}
