package org.aceforge.engine.jobs;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.OutOfMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The out-of-memory ladder, with ONNX Runtime's allocation failure injected where a small machine meets it (the real
 * failure, provoked with a memory limit on a 600 s decode, reads "Failed to allocate memory for requested buffer of
 * size 230400000"): smaller VAE tiles, then smaller groups of variants; the render completes, says what it did, and
 * loses nothing.
 */
class OutOfMemoryTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("aceforge.faults.vaeTileFrames");
        System.clearProperty("aceforge.faults.ditBatch");
        System.clearProperty("aceforge.faults.vaeOnGpu");
    }

    RenderResult render(String name, int batch) throws Exception {
        try (RenderService s = new RenderService(1, new GraphCache(tmp.resolve("g")))) {
            RenderRequest r = RenderRequest.builder().caption("warm keys").duration(30).batch(batch).seed(21).method("sde")
                    .modelDir(DemoPackFixture.pack().root()).output(tmp.resolve(name + ".wav")).build();
            RenderJob job = s.submit(r, p -> { }, null);
            RenderResult res = job.result().get(300, TimeUnit.SECONDS);
            lastNotes = job.notes();
            return res;
        }
    }

    java.util.List<String> lastNotes;

    static float[] samples(Path wav) throws Exception {
        return org.aceforge.engine.audio.AudioDecoder.decode(wav).interleaved();
    }

    @Test
    void recognisesAllocationFailures() {
        assertTrue(OutOfMemory.is(new ai.onnxruntime.OrtException("Error code - ORT_FAIL - message: Non-zero status code returned while running "
                + "ConvTranspose node. Status Message: bfc_arena.cc:359 Failed to allocate memory for requested buffer of size 230400000")));
        assertTrue(OutOfMemory.is(new RuntimeException(new OutOfMemoryError("Java heap space"))));
        assertTrue(OutOfMemory.is(new ai.onnxruntime.OrtException("CUDA failure 2: out of memory")));
        assertTrue(!OutOfMemory.is(new IllegalArgumentException("shape mismatch")));
    }

    @Test
    void aDecodeOutOfMemoryRetriesInSmallerTiles() throws Exception {
        render("plain", 1);
        System.setProperty("aceforge.faults.vaeTileFrames", "100");
        RenderResult r = render("tiles", 1);
        assertTrue(lastNotes.stream().anyMatch(n -> n.contains("decoding it again in tiles of 3.7 s")), lastNotes.toString());
        assertTrue(Files.readString(r.items().get(0).sidecar()).contains("decoding it again in tiles"));
        float[] a = samples(tmp.resolve("plain.wav")), b = samples(tmp.resolve("tiles.wav"));
        assertTrue(a.length == b.length);
        double err = 0, sig = 0;
        for (int i = 0; i < a.length; i++) { err += (a[i] - b[i]) * (double) (a[i] - b[i]); sig += a[i] * (double) a[i]; }
        double snr = 10 * Math.log10(sig / Math.max(err, 1e-30));
        assertTrue(snr > 40, "smaller tiles differ only at the seams: SNR " + snr + " dB");
    }

    /**
     * The last rung, reached on a GPU that cannot hold even 1.28 s tiles: the fault property makes this CPU machine's
     * decoder play the GPU one, every tile on it fails, and decoding moves to a separate CPU session in tiles of the
     * usual size — the very audio of an unconstrained render.
     */
    @Test
    void aDecodeThatFailsEvenInTheSmallestTilesMovesToTheCpuWithTheSameAudio() throws Exception {
        render("plain", 1);
        System.setProperty("aceforge.faults.vaeOnGpu", "true");
        System.setProperty("aceforge.faults.vaeTileFrames", "0");
        RenderResult r = render("cpu", 1);
        assertTrue(lastNotes.stream().anyMatch(n -> n.contains("tiles of 1.3 s")), lastNotes.toString());
        assertTrue(lastNotes.stream().anyMatch(n -> n.contains("decoding it on the CPU")), lastNotes.toString());
        assertTrue(Files.readString(r.items().get(0).sidecar()).contains("decoding it on the CPU"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("plain.wav")), Files.readAllBytes(tmp.resolve("cpu.wav")));
    }

    @Test
    void aDecodeThatFailsEvenInTheSmallestTilesOnTheCpuIsAClearError() throws Exception {
        System.setProperty("aceforge.faults.vaeTileFrames", "0");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> render("none", 1));
        Throwable c = e.getCause();
        assertTrue(c instanceof NotEnoughMemoryException, e.toString());
        assertTrue(c.getMessage().startsWith("out of memory even one variant at a time in the smallest pieces (30 s of music): shorten"), c.getMessage());
        assertTrue(OutOfMemory.is(c));
        assertTrue(!Files.exists(tmp.resolve("none.wav")), "no partial file");
    }

    @Test
    void aDiffusionOutOfMemoryRendersTheVariantsInSmallerGroupsWithTheSameAudio() throws Exception {
        render("whole", 3);
        System.setProperty("aceforge.faults.ditBatch", "1");
        render("groups", 3);
        assertTrue(lastNotes.stream().anyMatch(n -> n.contains("rendering the variants 1 at a time")), lastNotes.toString());
        for (int i = 1; i <= 3; i++)
            assertArrayEquals(Files.readAllBytes(tmp.resolve("whole-" + i + ".wav")), Files.readAllBytes(tmp.resolve("groups-" + i + ".wav")), "variant " + i);
    }
}
