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
    static final String LYRICS = DemoPack.BENCH_LYRICS;

    /**
     * Marker written last into the full-size pack: its geometry's name and format. Format 2 tokenizes words as the
     * real tokenizer does (DemoPack#wordTokenizer); a format-1 pack gets the new tokenizer.json and keeps its weights.
     */
    static final String MARKER = ".aceforge-bench-pack", FORMAT = "format 2 " + DemoPack.Geometry.FULL.name();

    /** Where the full-size random pack lives (next to the demo pack, ~11 GB). */
    public static Path packDir() {
        return org.aceforge.engine.jobs.ModelLocator.demoPackDir().resolveSibling("bench-pack-full");
    }

    /** Writes the full-size random pack once (into a sibling renamed into place); later runs reuse it. */
    public static Path ensurePack(Path dir, DemoPack.Geometry geometry, PrintStream out) throws IOException {
        String format = "format 2 " + geometry.name();
        Path marker = dir.resolve(MARKER);
        String found = Files.isRegularFile(marker) ? Files.readString(marker, StandardCharsets.UTF_8) : "";
        if (found.equals(format)) return dir;
        if (found.equals("format 1 " + geometry.name())) {
            DemoPack.writeTextTokenizer(dir.resolve(org.aceforge.engine.model.ModelPack.TEXT_ENCODER), geometry);
            Files.writeString(marker, format, StandardCharsets.UTF_8);
            out.println("  the pack's text tokenizer now makes words single tokens, as the real one does (format 2)");
            return dir;
        }
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
        return run(pack, seconds, int8, fp32, 1, out);
    }

    /**
     * As above with {@code renders} timed renders per precision (after the one that opens the models): the line is the
     * median render's (by wall time, its own stages beside it), and every render's time is listed under it. On
     * machines whose speed varies from run to run, a median of three is a fairer figure than one render.
     */
    public static List<Figures> run(Path pack, double seconds, boolean int8, boolean fp32, int renders, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "AceForge song bench — %d cores, ONNX Runtime %s, device %s, %d intra-op threads, pack %s%n",
                Runtime.getRuntime().availableProcessors(), OrtRuntime.env().getVersion(), OrtRuntime.device(), OrtRuntime.threads(), pack);
        List<Figures> all = new ArrayList<>();
        Path work = Files.createTempDirectory("aceforge-song-bench");
        try {
            for (boolean q : int8 && fp32 ? new boolean[]{true, false} : new boolean[]{int8}) {
                String precision = q ? "int8" : "fp32";
                try (RenderService service = new RenderService(1, new GraphCache(work.resolve("graphs")))) {
                    RenderResult cold = render(service, pack, seconds, q, 42, work.resolve(precision + "-cold.wav"), null);
                    List<Figures> timed = new ArrayList<>();
                    java.util.Set<String> fitted = new java.util.LinkedHashSet<>();
                    long privateMb;
                    try (PrivateMemoryPeak peak = new PrivateMemoryPeak()) {
                        for (int i = 0; i < renders; i++) {   // the same request each time; the last one's latents are compared
                            service.forgetConditions();   // each timed render pays for its condition, as a new request does
                            RenderResult warm = render(service, pack, seconds, q, 42, work.resolve(precision + ".wav"), work.resolve(precision));
                            timed.add(Figures.of(seconds, precision, warm, cold.seconds()));
                            fitted.addAll(sidecarMemoryChanges(work.resolve(precision + ".json")));
                        }
                        privateMb = peak.peakMb();
                    }
                    List<Figures> sorted = new ArrayList<>(timed);
                    sorted.sort(java.util.Comparator.comparingDouble(Figures::seconds));
                    Figures f = sorted.get((sorted.size() - 1) / 2);
                    out.println(f.line());
                    if (renders > 1) out.println("  timed renders: " + String.join(", ", timed.stream()
                            .map(t -> String.format(Locale.ROOT, "%.1f s", t.seconds())).toList()) + " (the line above is the median)");
                    out.printf(Locale.ROOT, "  peak resident memory %d MB%s; the first render (opening the models) took %.1f s%s%n", f.peakMb(),
                            privateMb > 0 ? String.format(Locale.ROOT, " (%d MB private in the timed renders; the rest: the checkpoints' memory-mapped pages, which the system can drop)", privateMb) : "",
                            f.coldSeconds(), q ? "; DiT weights: " + sidecarWeights(work.resolve(precision + ".json")) : "");
                    // A timed render the memory policy changed (models freed between stages, say) is not the figure
                    // users get with the models kept open: said under the line.
                    for (String change : fitted) out.println("  fitted to memory: " + change);
                    all.add(f);
                    if (!q && int8) {
                        // The yardstick for the INT8 difference: the same song from another seed (a different song).
                        render(service, pack, seconds, false, 43, work.resolve("fp32-seed43.wav"), work.resolve("fp32-seed43"));
                        out.println(Quality.of(work, "int8", "fp32").line("int8 vs fp32"));
                        out.println(Quality.of(work, "fp32-seed43", "fp32").line("fp32 seed 43 vs seed 42 (yardstick)"));
                    }
                }
                // The closed service returns its models' memory in the background; the next precision waits for it.
                org.aceforge.engine.runtime.os.NativeHeap.collectAndTrim();
            }
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(work);
        }
        return all;
    }

    private static RenderResult render(RenderService service, Path pack, double seconds, boolean int8, long seed, Path out, Path dump)
            throws Exception {
        RenderRequest r = RenderRequest.builder().caption(DemoPack.BENCH_CAPTION).lyrics(LYRICS)
                .duration(seconds).seed(seed).int8(int8).modelDir(pack).output(out).build();
        RenderJob job = service.submit(r, p -> { }, dump);
        return job.result().get(2, TimeUnit.HOURS);
    }

    /** What the memory policy changed in a render, from its sidecar ("memory" → "changes"); empty when nothing. */
    static List<String> sidecarMemoryChanges(Path json) {
        try {
            List<String> out = new ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).path("memory").path("changes")
                    .forEach(c -> out.add(c.asText()));
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String sidecarWeights(Path json) {
        try {
            var model = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).path("model");
            return model.path("dit_weights").asText("?") + " (encoders " + model.path("encoder_weights").asText("?") + ")";
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * How far one render is from another: the final latents' relative error (‖a − b‖ / ‖b‖) and the audio's SNR in dB
     * (b as the signal, a − b as the noise).
     */
    public record Quality(double latentError, double audioSnrDb) {
        /**
         * The INT8 budget against fp32: final latents within 2 % and audio at least 15 dB above the difference. For
         * scale, the same song from another seed is 86–97 % and 1–1.5 dB away; INT8 measures 0.7 % and 22 dB.
         */
        public static final double LATENT_BUDGET = 0.02, SNR_BUDGET_DB = 15;

        public boolean withinBudget() {
            return latentError <= LATENT_BUDGET && audioSnrDb >= SNR_BUDGET_DB;
        }

        public static Quality of(Path work, String a, String b) throws IOException {
            float[] la = org.aceforge.engine.tensors.Npy.read(work.resolve(a).resolve("target_latents.npy")).toFloats();
            float[] lb = org.aceforge.engine.tensors.Npy.read(work.resolve(b).resolve("target_latents.npy")).toFloats();
            float[] xa = org.aceforge.engine.audio.AudioDecoder.decode(work.resolve(a + ".wav")).interleaved();
            float[] xb = org.aceforge.engine.audio.AudioDecoder.decode(work.resolve(b + ".wav")).interleaved();
            return new Quality(Math.sqrt(diff(la, lb) / energy(lb)), 10 * Math.log10(energy(xb) / Math.max(diff(xa, xb), 1e-30)));
        }

        private static double diff(float[] a, float[] b) {
            double s = 0;
            for (int i = 0; i < Math.min(a.length, b.length); i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
            return s;
        }

        private static double energy(float[] a) {
            double s = 0;
            for (float v : a) s += v * (double) v;
            return s;
        }

        String line(String what) {
            return String.format(Locale.ROOT, "quality %s: final latents relative error %.4f, audio SNR %.1f dB%s", what, latentError, audioSnrDb,
                    what.startsWith("int8") ? (withinBudget() ? " (within the budget: ≤ 0.02, ≥ 15 dB)" : " (OVER the budget: ≤ 0.02, ≥ 15 dB)") : "");
        }
    }
}
