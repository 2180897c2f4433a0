package org.aceforge.engine.bench;

import org.aceforge.engine.demo.DemoPack;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.jobs.StageTime;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.OrtRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code aceforge bench --song SECONDS}: a whole turbo text2music render at full model size (random weights written
 * once into the cache in the official layout) through the same pipeline as every render — text encoder, condition
 * encoder, 8 DiT steps, VAE decode, writing the file — timed stage by stage. One render opens the sessions, the next
 * is timed (the studio and the plugin keep their models open between renders). Prints figures; asserts nothing.
 */
public final class SongBench {
    /** A timed render: the song's length, its precision, the wall time, each stage and the peak resident memory. */
    public record Figures(double songSeconds, String precision, double seconds, double text, double condition, double dit,
                          double vae, double write, long peakMb, double coldSeconds) {
        /** The line users compare: {@code song 10.0 s int8 in X.X s (real-time factor R.RR): text A s, …}. */
        public String line() {
            return String.format(Locale.ROOT, "song %.1f s %s in %.1f s (real-time factor %.2f): text %.2f s, condition %.2f s, dit %.2f s, vae %.2f s, write %.2f s",
                    songSeconds, precision, seconds, songSeconds / seconds, text, condition, dit, vae, write);
        }

        static Figures of(double song, String precision, RenderResult r, double cold) {
            double text = 0, condition = 0, dit = 0, vae = 0, write = 0;
            long peak = 0;
            for (StageTime s : r.timing()) {
                switch (s.name()) {
                    case "encode" -> text += s.seconds();
                    case "condition" -> condition += s.seconds();
                    case "diffusion" -> dit += s.seconds();
                    case "decode" -> vae += s.seconds();
                    case "write" -> write += s.seconds();
                    default -> { }
                }
                if (s.peakMb() != null) peak = Math.max(peak, s.peakMb());
            }
            return new Figures(song, precision, r.seconds(), text, condition, dit, vae, write, peak, cold);
        }
    }

    private SongBench() {}

    /** A verse and a chorus, so the lyric encoder does a song's work. */
    static final String LYRICS = "[verse]\nStreetlights hum a slower tune\nCoffee cooling in the afternoon\n"
            + "[chorus]\nStay a while, the night is young\nEvery word still on my tongue";

    /** Marker written last into the full-size pack: its geometry's name and format. */
    static final String MARKER = ".aceforge-bench-pack", FORMAT = "format 1 " + DemoPack.Geometry.FULL.name();

    /** Where the full-size random pack lives (next to the demo pack, ~11 GB). */
    public static Path packDir() {
        return org.aceforge.engine.jobs.ModelLocator.demoPackDir().resolveSibling("bench-pack-full");
    }

    /** Writes the full-size random pack once (into a sibling renamed into place); later runs reuse it. */
    public static Path ensurePack(Path dir, DemoPack.Geometry geometry, PrintStream out) throws IOException {
        String format = "format 1 " + geometry.name();
        Path marker = dir.resolve(MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).equals(format)) return dir;
        out.println("writing the " + geometry.name() + " model pack once to " + dir + " (random weights in the official layout)…");
        long t0 = System.nanoTime();
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".bench-pack-");
        try {
            DemoPack.make(tmp, geometry);
            Files.writeString(tmp.resolve(MARKER), format, StandardCharsets.UTF_8);
            if (Files.exists(dir)) org.aceforge.engine.tensors.Folders.deleteRecursively(dir);
            Files.move(tmp, dir);
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(tmp);
        }
        out.printf(Locale.ROOT, "  written in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        return dir;
    }

    /**
     * Renders a {@code seconds}-long song with the pack in {@code pack}, in each precision asked, and prints one line
     * per precision (int8 first when both), with the peak memory and the first (cold) render's time.
     */
    public static List<Figures> run(Path pack, double seconds, boolean int8, boolean fp32, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "AceForge song bench — %d cores, ONNX Runtime %s, device %s, %d intra-op threads, pack %s%n",
                Runtime.getRuntime().availableProcessors(), OrtRuntime.env().getVersion(), OrtRuntime.device(), OrtRuntime.threads(), pack);
        List<Figures> all = new ArrayList<>();
        Path work = Files.createTempDirectory("aceforge-song-bench");
        try {
            for (boolean q : int8 && fp32 ? new boolean[]{true, false} : new boolean[]{int8}) {
                String precision = q ? "int8" : "fp32";
                try (RenderService service = new RenderService(1, new GraphCache(work.resolve("graphs")))) {
                    RenderResult cold = render(service, pack, seconds, q, work.resolve(precision + "-cold.wav"));
                    RenderResult warm = render(service, pack, seconds, q, work.resolve(precision + ".wav"));
                    Figures f = Figures.of(seconds, precision, warm, cold.seconds());
                    out.println(f.line());
                    out.printf(Locale.ROOT, "  peak resident memory %d MB; the first render (opening the models) took %.1f s%n", f.peakMb(), f.coldSeconds());
                    all.add(f);
                }
                System.gc();   // the int8 weights are direct buffers: freed before the next precision opens its models
            }
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(work);
        }
        return all;
    }

    private static RenderResult render(RenderService service, Path pack, double seconds, boolean int8, Path out) throws Exception {
        RenderRequest r = RenderRequest.builder().caption("warm lofi hip hop, dusty piano, vinyl crackle").lyrics(LYRICS)
                .duration(seconds).seed(42).int8(int8).modelDir(pack).output(out).build();
        RenderJob job = service.submit(r, p -> { }, null);
        return job.result().get(2, TimeUnit.HOURS);
    }
}
