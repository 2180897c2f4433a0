package org.aceforge.engine.bench;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.cli.RenderCliTest;
import org.aceforge.engine.demo.DemoPack;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The song bench's line (the figure users compare), its options' errors, and its pack written once. */
class SongBenchTest {
    static final String LINE = "song \\d+\\.\\d s (int8|fp32) in \\d+\\.\\d s \\(real-time factor \\d+\\.\\d\\d\\): text \\d+\\.\\d\\d s, "
            + "condition \\d+\\.\\d\\d s, dit \\d+\\.\\d\\d s, vae \\d+\\.\\d\\d s, write \\d+\\.\\d\\d s";

    @Test
    void theLineHasExactlyTheAgreedForm() {
        var f = new SongBench.Figures(10, "int8", 8.04, 0.5, 0.25, 5.75, 1.5, 0.04, 9000, 30);
        assertEquals("song 10.0 s int8 in 8.0 s (real-time factor 1.24): text 0.50 s, condition 0.25 s, dit 5.75 s, vae 1.50 s, write 0.04 s",
                f.line());
        assertTrue(f.line().matches(LINE));
    }

    /** The same command on the demo pack (the full-size pack is 11 GB): both lines, int8 first, every stage timed. */
    @Test
    void aSongIsRenderedAndTimedStageByStageInBothPrecisions() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        List<SongBench.Figures> figures = SongBench.run(DemoPackFixture.pack().root(), 10, true, true, new PrintStream(b, true, StandardCharsets.UTF_8));
        String out = b.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().filter(l -> l.startsWith("song ")).toList();
        assertEquals(2, lines.size(), out);
        assertTrue(lines.get(0).matches(LINE) && lines.get(0).contains(" int8 "), lines.get(0));
        assertTrue(lines.get(1).matches(LINE) && lines.get(1).contains(" fp32 "), lines.get(1));
        for (SongBench.Figures f : figures) {
            assertTrue(f.text() > 0 && f.condition() > 0 && f.dit() > 0 && f.vae() > 0 && f.write() > 0, f.line());
            assertTrue(f.text() + f.condition() + f.dit() + f.vae() + f.write() <= f.seconds() + 1e-3, f.line());
            assertTrue(f.peakMb() > 0);
        }
        assertTrue(out.contains("peak resident memory"), out);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status")))
            assertTrue(out.matches("(?s).*peak resident memory \\d+ MB \\(\\d+ MB private in the timed renders;.*"), out);
        assertTrue(out.contains("DiT weights: int8-nbits"), out);
        if (System.getProperty("aceforge.memoryGb") == null && System.getenv("AF_MEMORY_GB") == null
                && org.aceforge.engine.runtime.MachineMemory.detect(org.aceforge.engine.runtime.OrtRuntime.device()).bytes() >= 20e9)
            assertFalse(out.contains("fitted to memory"), out);
        assertTrue(out.matches("(?s).*quality int8 vs fp32: final latents relative error \\d\\.\\d{4}, audio SNR -?\\d+\\.\\d dB.*"), out);
        assertTrue(out.contains("quality fp32 seed 43 vs seed 42 (yardstick)"), out);
    }

    /**
     * A timed render the memory policy changed is said under the line (here a machine of 10 GB, where models are
     * freed between stages); a render on plenty of memory says nothing of the kind.
     */
    @Test
    void aRenderFittedToMemoryIsSaidUnderTheLine() throws Exception {
        String before = System.getProperty("aceforge.memoryGb");
        System.setProperty("aceforge.memoryGb", "10");
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            SongBench.run(DemoPackFixture.pack().root(), 10, true, false, new PrintStream(b, true, StandardCharsets.UTF_8));
            String out = b.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("  fitted to memory: models are freed between stages (offload)"), out);
        } finally {
            if (before == null) System.clearProperty("aceforge.memoryGb"); else System.setProperty("aceforge.memoryGb", before);
        }
    }

    /** With several timed renders the line is the median render's, and each render's time is listed under it. */
    @Test
    void severalRendersReportTheMedianOne() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        List<SongBench.Figures> figures = SongBench.run(DemoPackFixture.pack().root(), 10, true, false, 3, new PrintStream(b, true, StandardCharsets.UTF_8));
        String out = b.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().filter(l -> l.startsWith("song ")).toList();
        assertEquals(1, lines.size(), out);
        String renders = out.lines().filter(l -> l.startsWith("  timed renders: ")).findFirst().orElseThrow();
        List<Double> times = java.util.Arrays.stream(renders.replaceAll("^  timed renders: | \\(the line above is the median\\)$", "").split(", "))
                .map(t -> Double.parseDouble(t.replace(" s", ""))).sorted().toList();
        assertEquals(3, times.size(), renders);
        assertEquals(times.get(1), Math.round(figures.get(0).seconds() * 10) / 10.0, 1e-9, out);
    }

    @Test
    void badOptionsAreOneLineErrorsWithExitTwo() {
        RenderCliTest.Run shortSong = RenderCliTest.cli("bench", "--song", "5");
        assertEquals(2, shortSong.code());
        assertEquals("aceforge: --song 5.0 is out of range: use 10 to 600 seconds", shortSong.err().strip());
        RenderCliTest.Run noRenders = RenderCliTest.cli("bench", "--song", "10", "--repeats", "0");
        assertEquals(2, noRenders.code());
        assertEquals("aceforge: --repeats must be 1 to 50", noRenders.err().strip());
        RenderCliTest.Run alone = RenderCliTest.cli("bench", "--song", "10", "--compare-fp32");
        assertEquals(2, alone.code());
        assertTrue(alone.err().contains("--compare-fp32 needs --int8"), alone.err());
        RenderCliTest.Run without = RenderCliTest.cli("bench", "--compare-fp32");
        assertEquals(2, without.code());
        assertTrue(without.err().contains("--compare-fp32 works with --song only"), without.err());
    }

    /** The pack is written once (into a sibling renamed into place) and reused while its marker matches. */
    @Test
    void thePackIsWrittenOnceAndReused() throws Exception {
        Path dir = Path.of("target", "song-bench-pack").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(dir);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SongBench.ensurePack(dir, DemoPack.Geometry.DEMO, new PrintStream(b, true, StandardCharsets.UTF_8));
        assertTrue(b.toString(StandardCharsets.UTF_8).contains("writing the demo model pack once"), b.toString());
        assertTrue(Files.isRegularFile(dir.resolve("acestep-v15-turbo/model.safetensors")));
        long written = Files.getLastModifiedTime(dir.resolve("vae/diffusion_pytorch_model.safetensors")).toMillis();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        SongBench.ensurePack(dir, DemoPack.Geometry.DEMO, new PrintStream(again, true, StandardCharsets.UTF_8));
        assertEquals("", again.toString(StandardCharsets.UTF_8));
        assertEquals(written, Files.getLastModifiedTime(dir.resolve("vae/diffusion_pytorch_model.safetensors")).toMillis());
    }
}
