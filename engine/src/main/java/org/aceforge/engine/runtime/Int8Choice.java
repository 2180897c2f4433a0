package org.aceforge.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.graph.Int8Kernel;
import org.aceforge.engine.graph.Int8Weights;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which INT8 kernel the DiT's Linear layers use on this CPU — or none, when INT8 is not faster than fp32 here. Measured
 * once per CPU model, ONNX Runtime version and thread count at the DiT's MLP shape ([250 × 2048]·[2048 × 6144], 10 s
 * of audio for two variants), each kernel's error against fp32 checked; the fastest within {@link #ERROR_BUDGET} wins
 * if it beats fp32 by {@link #MIN_GAIN}. The choice is kept in {@code int8-kernel.json} in the cache and logged; users
 * force one with {@code AF_INT8_KERNEL} or {@code -Daceforge.int8.kernel} ({@code nbits}, {@code dqmm},
 * {@code integer}, or {@code fp32}).
 */
public final class Int8Choice {
    private static final Logger LOG = LoggerFactory.getLogger(Int8Choice.class);
    /**
     * Relative (Frobenius) error of one matmul against fp32 that a kernel may have. Measured at the MLP's shape:
     * MatMulNBits 7.5e-3, the per-tensor-activation kernels 1.1e-2 — and end to end all three land at the same
     * distance from fp32 (final latents 0.007, audio 22 dB on the full-size random pack; docs/benchmarks.md), far
     * inside the render budget of {@code bench.SongBench.Quality}; a kernel over 2e-2 is broken, not merely coarse.
     */
    public static final double ERROR_BUDGET = 2e-2;
    /** INT8 must be at least this much faster than fp32 (time ratio) to be used. */
    public static final double MIN_GAIN = 1.1;
    static final int M = 250, K = 2048, N = 6144;
    /** The choosing rule's version, kept with a remembered choice: a choice made by an older rule is made again. 2: encoders on fp32. */
    static final int RULE = 2;

    /** One kernel's figures: null kernel = fp32. */
    public record Measurement(Int8Kernel kernel, double seconds, double relativeError) {
        String name() {
            return kernel == null ? "fp32" : kernel.id();
        }
    }

    /**
     * The DiT's kernel (null: fp32, INT8 not used), the text and condition encoders' (null: fp32, the default; INT8
     * only when forced by {@code AF_INT8_ENCODERS}) and why, in words.
     */
    public record Choice(Int8Kernel kernel, Int8Kernel encoders, String why) {
        /**
         * A choice whose encoders stay on fp32. They run a few hundred rows once per render (~0.2 s of INT8 gain at 10 s
         * on a 2-core VNNI CPU) and steer every step: on MatMulNBits they took the whole render from 0.0084 to 0.0199 of
         * fp32 (the budget is 0.02) and over it at 30 s (docs/benchmarks.md, 2026-12-02 twelfth).
         */
        public Choice(Int8Kernel kernel, String why) {
            this(kernel, null, why);
        }
    }

    private static Choice current;

    private Int8Choice() {}

    /** The choice from the measurements: the fastest kernel within the error budget, if it beats fp32 enough. */
    public static Choice choose(List<Measurement> ms) {
        Measurement fp32 = ms.stream().filter(m -> m.kernel() == null).findFirst().orElseThrow();
        Measurement best = null;
        for (Measurement m : ms)
            if (m.kernel() != null && m.relativeError() <= ERROR_BUDGET && !needless(m, ms) && (best == null || m.seconds() < best.seconds())) best = m;
        String figures = String.join(", ", ms.stream().map(m -> String.format(Locale.ROOT, "%s %.1f ms%s", m.name(), m.seconds() * 1e3,
                m.kernel() == null ? "" : String.format(Locale.ROOT, " (error %.1e)", m.relativeError()))).toList());
        if (best == null) return new Choice(null, "no INT8 kernel within the error budget on this CPU: fp32 (" + figures + ")");
        if (fp32.seconds() / best.seconds() < MIN_GAIN)
            return new Choice(null, "INT8 is not faster than fp32 on this CPU: fp32 (" + figures + ")");
        return new Choice(best.kernel(), String.format(Locale.ROOT, "INT8 through %s, %.1f× fp32; text and condition encoders on fp32 (%s)",
                best.name(), fp32.seconds() / best.seconds(), figures));
    }

    /**
     * A 7-bit kernel is there for CPUs where its full-range twin saturates; where the twin is within budget it runs the
     * same code at twice the weight precision, so the 7-bit one is never taken on a difference of noise.
     */
    private static boolean needless(Measurement m, List<Measurement> ms) {
        Int8Kernel twin = m.kernel().fullRange();
        return twin != m.kernel() && ms.stream().anyMatch(o -> o.kernel() == twin && o.relativeError() <= ERROR_BUDGET);
    }

    /** The kernels the measurement compares, as remembered with a choice (a new kernel means measuring again). */
    static String kernelsMeasured() {
        return String.join(",", java.util.Arrays.stream(Int8Kernel.values()).filter(Int8Kernel::automatic).map(Int8Kernel::id).toList());
    }

    /** The forced, remembered or (first time) measured choice for this process. Worker threads only: may take seconds. */
    public static synchronized Choice current() {
        if (current != null) return current;
        String forced = System.getProperty("aceforge.int8.kernel", System.getenv("AF_INT8_KERNEL"));
        if (forced != null && !forced.isBlank()) {
            Int8Kernel k = forced.equalsIgnoreCase("fp32") ? null : Int8Kernel.find(forced);
            if (k == null && !forced.equalsIgnoreCase("fp32"))
                throw new IllegalArgumentException("AF_INT8_KERNEL " + forced + " is unknown: use nbits, dqmm, integer, dqmm7, integer7 or fp32");
            current = new Choice(k, "forced by AF_INT8_KERNEL / aceforge.int8.kernel: " + forced.toLowerCase(Locale.ROOT));
        } else {
            current = remembered();
            if (current == null) {
                current = choose(measure(5));
                // ONNX Runtime's per-node profiling slows some kernels more than others (measured: DynamicQuantizeMatMul
                // 9.5 → 15.2 ms, MatMulNBits unchanged): a choice made under it is for this process only.
                if (System.getProperty("aceforge.ort.profile") == null) remember(current);
                else LOG.info("int8 kernel measured while profiling: not remembered");
            }
        }
        current = withEncoders(current, System.getProperty("aceforge.int8.encoders", System.getenv("AF_INT8_ENCODERS")));
        LOG.info("int8 kernel: {}", current.why());
        return current;
    }

    /**
     * The choice with the text and condition encoders' kernel forced ({@code nbits} or {@code fp32}; null or blank: as
     * chosen). The encoders steer every step, so their precision is the first thing to try when a render must stay
     * closer to fp32 (measured on the full-size pack: docs/benchmarks.md).
     */
    static Choice withEncoders(Choice c, String forced) {
        if (forced == null || forced.isBlank()) return c;
        Int8Kernel e = forced.equalsIgnoreCase("fp32") ? null : Int8Kernel.find(forced);
        if (e == null && !forced.equalsIgnoreCase("fp32"))
            throw new IllegalArgumentException("AF_INT8_ENCODERS " + forced + " is unknown: use nbits, dqmm, integer, dqmm7, integer7 or fp32");
        return new Choice(c.kernel(), c.kernel() == null ? null : e,
                c.why() + "; encoders forced by AF_INT8_ENCODERS / aceforge.int8.encoders: " + forced.toLowerCase(Locale.ROOT));
    }

    /** Forgets this process's choice (tests). */
    static synchronized void reset() {
        current = null;
    }

    static Path file() {
        return GraphCache.cacheRoot().resolve("int8-kernel.json");
    }

    /** What the choice depends on: the CPU model and its VNNI, ONNX Runtime's version and the threads. */
    static String machine() {
        String model = "unknown CPU";
        boolean vnni = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) model = line.substring(line.indexOf(':') + 1).trim();
                if (line.startsWith("flags")) vnni |= line.contains("avx512_vnni") || line.contains("avx_vnni");
            }
        } catch (IOException | RuntimeException e) {
            model = System.getProperty("os.arch");
        }
        return model + (vnni ? " (VNNI)" : "") + ", ONNX Runtime " + OrtRuntime.env().getVersion() + ", " + OrtRuntime.threads() + " threads";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The file keeps one choice per machine key (CPU model, ONNX Runtime version, threads), so a process with another
     * thread count (a bench with {@code -Daceforge.threads=1}, say) does not make the next render measure again:
     * {@code {"rule", "kernels", "choices": {machine: {kernel, encoders, why}}}}. A file of another rule or kernel set
     * is measured again and replaced.
     */
    private static Choice remembered() {
        try {
            JsonNode n = rememberedFile().path("choices").path(machine());
            if (n.isMissingNode()) return null;
            String k = n.path("kernel").asText(), e = n.path("encoders").asText("fp32");
            return new Choice(k.equals("fp32") ? null : Int8Kernel.find(k), e.equals("fp32") ? null : Int8Kernel.find(e),
                    n.path("why").asText() + " (remembered)");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The file's contents when they were written by this rule for these kernels, else an empty object. */
    private static ObjectNode rememberedFile() throws IOException {
        if (!Files.exists(file())) return JSON.createObjectNode();
        JsonNode n = JSON.readTree(file().toFile());
        if (n instanceof ObjectNode o && kernelsMeasured().equals(o.path("kernels").asText()) && o.path("rule").asInt() == RULE
                && o.path("choices").isObject()) return o;
        return JSON.createObjectNode();
    }

    private static synchronized void remember(Choice c) {
        try {
            ObjectNode n;
            try {
                n = rememberedFile();
            } catch (IOException | RuntimeException unreadable) {
                n = JSON.createObjectNode();
            }
            n.put("rule", RULE).put("kernels", kernelsMeasured());
            ObjectNode choices = n.path("choices") instanceof ObjectNode o ? o : n.putObject("choices");
            choices.putObject(machine()).put("kernel", c.kernel() == null ? "fp32" : c.kernel().id())
                    .put("encoders", c.encoders() == null ? "fp32" : c.encoders().id()).put("why", c.why());
            Files.createDirectories(file().getParent());
            Path tmp = Files.createTempFile(file().getParent(), "int8-kernel", ".part");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not remember the int8 kernel in {} ({})", file(), e.getMessage());
        }
    }

    /**
     * fp32 and each kernel at the MLP's shape: the best time of {@code runs} after one warm-up, and the error against
     * fp32. The kernels are timed in turns (one run of each per round), so a slow moment of the machine — the first
     * seconds of a process, another program — falls on all of them rather than on the one measured then (measured:
     * fp32 once at 78 ms instead of 45 in a render's first second, which made MatMulNBits look faster than fp32).
     */
    public static List<Measurement> measure(int runs) {
        return measure(M, K, N, runs);
    }

    static List<Measurement> measure(int m, int k, int n, int runs) {
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[n * k], x = new float[m * k];
        double s = Math.sqrt(3.0 / k);
        for (int i = 0; i < w.length; i++) w[i] = (float) ((2 * r.nextDouble() - 1) * s);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        TensorData weight = TensorData.ofFloats("w", w, n, k);
        Map<String, TensorData> in = Map.of("x", TensorData.ofFloats("x", x, m, k));
        List<Int8Kernel> kernels = new ArrayList<>();
        kernels.add(null);
        for (Int8Kernel each : Int8Kernel.values()) if (each.automatic()) kernels.add(each);
        List<Int8Kernel> opened = new ArrayList<>();
        List<NetSession> sessions = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        try {
            for (Int8Kernel kernel : kernels) {
                OnnxGraph g = new OnnxGraph("int8-probe").int8(kernel == null ? null : new Int8Weights(() -> Map.of("w", weight), kernel));
                var xv = g.input("x", DType.F32, (long) m, (long) k);
                g.output(g.linear(xv, weight, null), "y", DType.F32, (long) m, (long) n);
                NetSession session = null;
                try {
                    session = new NetSession("int8-probe", g.toModelBytes(), g.externalWeights());
                    outputs.add(session.run(in).get("y").toFloats());   // the warm-up run, and the output to compare
                    sessions.add(session);
                    opened.add(kernel);
                } catch (Exception e) {
                    if (session != null) session.close();
                    LOG.warn("int8 kernel {} could not be measured ({}): left out", kernel == null ? "fp32" : kernel.id(), e.getMessage());
                    if (kernel == null) throw new IllegalStateException("fp32 matmul could not be measured", e);
                }
            }
            double[] best = new double[sessions.size()];
            java.util.Arrays.fill(best, Double.MAX_VALUE);
            for (int round = 0; round < runs; round++)
                for (int i = 0; i < sessions.size(); i++) {
                    long t0 = System.nanoTime();
                    sessions.get(i).run(in);
                    best[i] = Math.min(best[i], (System.nanoTime() - t0) / 1e9);
                }
            float[] reference = outputs.get(0);
            List<Measurement> out = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                float[] y = outputs.get(i);
                double err = 0, ref = 0;
                for (int j = 0; j < y.length; j++) {
                    err += (y[j] - reference[j]) * (double) (y[j] - reference[j]);
                    ref += reference[j] * (double) reference[j];
                }
                out.add(new Measurement(opened.get(i), best[i], Math.sqrt(err / ref)));
            }
            return out;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("int8 kernels could not be timed", e);
        } finally {
            sessions.forEach(NetSession::close);
        }
    }
}
