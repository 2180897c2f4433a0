package org.aceforge.engine.jobs;

import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real ONNX Runtime allocation failure: a 600 s render whose VAE decode is asked to run as one tile, in a child
 * process limited to 4 GB of address space. ONNX Runtime's arena fails ("Failed to allocate memory for requested
 * buffer"), the ladder decodes again in smaller tiles, and the file comes out — close to an unconstrained render
 * (tiles differ only at their seams).
 */
class RealOutOfMemoryTest {
    @TempDir
    Path tmp;

    record Run(int code, String err) {}

    Run child(boolean limited, Path out) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx600m", "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=64m",
                "-XX:MaxMetaspaceSize=160m", "-XX:MaxDirectMemorySize=2g", "-Djava.awt.headless=true",
                "-Daceforge.memoryGb=64", "-Daceforge.logdir=" + tmp.resolve("logs"),
                "-Daceforge.cache=" + System.getProperty("aceforge.cache", tmp.resolve("cache").toString())));
        if (limited) cmd.add("-Daceforge.vae.chunk=20000");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.aceforge.engine.cli.Main", "render",
                "--model", DemoPackFixture.pack().root().toString(), "--caption", "long warm pads", "--duration", "600",
                "--seed", "5", "--out", out.toString()));
        String quoted = String.join(" ", cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        String script = (limited ? "ulimit -v 4000000; " : "") + "exec " + quoted;
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the render ends");
        return new Run(p.exitValue(), err);
    }

    @Test
    void aRealAllocationFailureIsRecoveredBySmallerTiles() throws Exception {
        Path limited = tmp.resolve("limited.wav"), free = tmp.resolve("free.wav");
        Run l = child(true, limited);
        Assumptions.assumeFalse(l.err().contains("Error occurred during initialization of VM") || l.err().contains("Could not reserve"),
                "this machine's JVM cannot start under a 4 GB address-space limit");
        assertEquals(0, l.code(), l.err());
        assertTrue(l.err().contains("out of memory decoding variant 1: decoding it again in tiles of"), l.err());
        Run f = child(false, free);
        assertEquals(0, f.code(), f.err());
        float[] a = org.aceforge.engine.audio.AudioDecoder.decode(free).interleaved(), b = org.aceforge.engine.audio.AudioDecoder.decode(limited).interleaved();
        assertEquals(a.length, b.length);
        double err = 0, sig = 0;
        for (int i = 0; i < a.length; i++) { err += (a[i] - b[i]) * (double) (a[i] - b[i]); sig += a[i] * (double) a[i]; }
        double snr = 10 * Math.log10(sig / Math.max(err, 1e-30));
        assertTrue(snr > 40, "the same audio but for the tile seams: SNR " + snr + " dB");
    }
}
