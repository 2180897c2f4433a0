package org.aceforge.engine.bench;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.nets.VaeGraphs;
import org.aceforge.engine.pipeline.DitModel;
import org.aceforge.engine.timeline.Timeline;
import org.aceforge.engine.pipeline.VaeModel;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.runtime.OrtRuntime;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The figures of {@code aceforge bench}: ONNX Runtime's fp32 matmul peak on this machine, one DiT step (demo pack and
 * a full-size configuration with random weights) with achieved GFLOP/s, and VAE decode real-time factors.
 * Prints medians; asserts nothing.
 */
public final class Bench {
    private final double seconds;
    private final int fullLayers, repeats;
    private final PrintStream out;

    private int lmLayers;
    private boolean int8;

    /** Also measure the full-size DiT on int8 weights. */
    public Bench int8(boolean on) {
        int8 = on;
        return this;
    }

    /** Layers of the 1.7B LM to measure (0 skips it). */
    public Bench lmLayers(int n) {
        lmLayers = n;
        return this;
    }

    public Bench(double seconds, int fullLayers, int repeats, PrintStream out) {
        this.seconds = seconds;
        this.fullLayers = fullLayers;
        this.repeats = repeats;
        this.out = out;
    }

    @FunctionalInterface
    interface Run {
        void run() throws Exception;
    }

    /** Median wall time in seconds after one warm-up run. */
    double median(Run r) throws Exception {
        return median(repeats, r);
    }

    static double median(int repeats, Run r) throws Exception {
        r.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    public void run() throws Exception {
        out.printf("AceForge bench — %d cores, ONNX Runtime %s, device %s, %d intra-op threads%n",
                Runtime.getRuntime().availableProcessors(), OrtRuntime.env().getVersion(),
                OrtRuntime.device(), OrtRuntime.threads());
        double peak = matmulPeak();
        Path cache = Files.createTempDirectory("aceforge-bench");
        try {
            ModelPack demo = ModelLocator.ensureDemoPack();
            try (DitModel dit = new DitModel(demo.dit(ModelPack.Variant.TURBO), new GraphCache(cache))) {
                ditStep("demo DiT", dit.config(), dit.velocityModel()::velocity, peak);
            }
            try (VaeModel vae = new VaeModel(demo.vae(), new GraphCache(cache))) {
                vaeRtf("demo VAE", vae.config(), vae);
            }
            if (fullLayers > 0) fullSizeDit(peak);
            fullSizeVae();
            if (lmLayers > 0) LmBench.run(lmLayers, repeats, out);
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(cache);
        }
    }

    /** Fastest of {@code PEAK_RUNS} runs, after one warm-up: a peak is a best case, and this machine's speed varies. */
    double best(Run r, int runs) throws Exception {
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    static final int PEAK_RUNS = 10;

    /**
     * fp32 MatMul [M×2048]·[2048×6144] (the DiT MLP's shape) followed by a ReduceSum, so that copying the 6–18 MB
     * product back to Java is not timed; the best of several runs at M = 375 and 750.
     */
    double matmulPeak() throws Exception {
        int k = 2048, n = 6144;
        RandomWeights w = new RandomWeights();
        w.add("w", 0.02, k, n);
        double peak = 0;
        for (int m : new int[]{375, 750}) {
            OnnxGraph g = new OnnxGraph("matmul");
            var x = g.input("x", DType.F32, (long) m, (long) k);
            var y = g.matMul(x, g.weight(w.source().get("w")));
            g.output(g.op("ReduceSum", new org.aceforge.engine.graph.Attr[]{org.aceforge.engine.graph.Attr.i("keepdims", 0)}, y),
                    "s", DType.F32);
            float[] xs = new float[m * k];
            Random r = new Random(1);
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
            TensorData in = TensorData.ofFloats("x", xs, m, k);
            try (NetSession s = new NetSession("matmul", g.toModelBytes(), g.externalWeights())) {
                double t = best(() -> s.run(Map.of("x", in)), PEAK_RUNS);
                double gflops = 2.0 * m * k * n / t / 1e9;
                out.printf("matmul peak      [%d×%d]·[%d×%d] fp32, best of %d: %.1f ms  %.0f GFLOP/s%n", m, k, k, n, PEAK_RUNS, t * 1e3, gflops);
                peak = Math.max(peak, gflops);
            }
        }
        return peak;
    }

    interface Velocity {
        Tensor3 velocity(Tensor3 x, double t, Condition c) throws Exception;
    }

    void ditStep(String label, AceStepConfig c, Velocity v, double peak) throws Exception {
        int frames = Timeline.latentFramesOf(seconds, 48000, 1920), condLen = 341;
        Random r = new Random(3);
        Tensor3 x = org.aceforge.engine.sampling.InitialNoise.of(new long[]{7}, frames, c.latentChannels());
        Tensor3 ctx = org.aceforge.engine.sampling.InitialNoise.of(new long[]{8}, frames, c.inChannels() - c.latentChannels());
        float[] e = new float[condLen * c.hiddenSize()];
        for (int i = 0; i < e.length; i++) e[i] = (float) r.nextGaussian();
        Condition cond = new Condition(new Tensor3(e, 1, condLen, c.hiddenSize()), ctx);
        double[] times = new double[repeats];
        v.velocity(x, 0.5, cond);
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            v.velocity(x, 0.5, cond);
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        double t = times[repeats / 2], fastest = times[0];
        double gflop = DitFlops.perStep(c, frames, condLen) / 1e9;
        out.printf("%-16s %d layers, hidden %d, %.0f s audio (%d tokens): median %.1f ms/step (best %.1f)  %.1f GFLOP"
                        + "  %.0f GFLOP/s median, %.0f best (%.0f%% of matmul peak)%n",
                label, c.numHiddenLayers(), c.hiddenSize(), seconds, (frames + 1) / 2, t * 1e3, fastest * 1e3, gflop,
                gflop / t, gflop / fastest, 100 * gflop / fastest / peak);
    }

    void vaeRtf(String label, VaeConfig c, VaeModel vae) throws Exception {
        int frames = Timeline.latentFramesOf(10, 48000, c.hopLength());
        Tensor3 lat = org.aceforge.engine.sampling.InitialNoise.of(new long[]{9}, frames, c.latentChannels());
        double t = median(() -> vae.decode(lat, VaeModel.DECODE_CHUNK, VaeModel.DECODE_OVERLAP, null));
        out.printf("%-16s decode 10 s: %.2f s  real-time factor %.1f×%n", label, t, 10 / t);
    }

    /** The real DiT geometry (hidden 2048, 16/8 heads of 128, MLP 6144) with random weights. */
    void fullSizeDit(double peak) throws Exception {
        AceStepConfig c = fullConfig(fullLayers);
        WeightSource w = fullDitWeights(c);
        // INT8 through the kernel renders use on this CPU (MatMulNBits where INT8 is not faster, to show by how much).
        org.aceforge.engine.graph.Int8Kernel chosen = int8 ? org.aceforge.engine.runtime.Int8Choice.current().kernel() : null;
        org.aceforge.engine.graph.Int8Kernel kernel = chosen != null ? chosen : org.aceforge.engine.graph.Int8Kernel.MATMUL_NBITS;
        for (boolean q : int8 ? new boolean[]{false, true} : new boolean[]{false}) {
            org.aceforge.engine.graph.Int8Weights iw = q ? new org.aceforge.engine.graph.Int8Weights(w, kernel) : null;
            // The layers in the form renders use on this device (AceForge's fused small operators on CPU).
            OnnxGraph g = DitGraph.build(org.aceforge.engine.nets.LayerForm.forDevice(OrtRuntime.device()).graph(DitGraph.NAME),
                    c, w, iw, null, 0, null, false, true);
            try (NetSession s = new NetSession("dit-full", g.toModelBytes(), g.externalWeights())) {
                ditStep(q ? "DiT int8 " + kernel.id() : "full-size DiT", c, (x, t, cond) -> {
                    Map<String, TensorData> in = new LinkedHashMap<>();
                    in.put("hidden_states", x.toTensorData("x"));
                    in.put("context_latents", cond.contextLatents().toTensorData("c"));
                    in.put("encoder_hidden_states", cond.encoderStates().toTensorData("e"));
                    in.put("timestep", TensorData.ofFloats("t", new float[]{(float) t}, 1));
                    return Tensor3.of(s.run(in).get("velocity"));
                }, peak);
            }
        }
        if (fullLayers < 24) out.printf("                 (full model = 24 layers: scale the step time by %.2f)%n", 24.0 / fullLayers);
    }

    static AceStepConfig fullConfig(int layers) {
        boolean[] types = new boolean[24];
        for (int i = 0; i < 24; i++) types[i] = i % 2 == 0;
        return new AceStepConfig(2048, 6144, layers, 16, 8, 128, 1e-6, 1e6, true, 128, types, 8, 4, 2, 1024, 64, 64,
                192, 2, 5, 2048, new int[]{8, 8, 8, 5, 5, 5}, 750, true, "turbo");
    }

    static WeightSource fullDitWeights(AceStepConfig c) {
        RandomWeights w = new RandomWeights();
        long H = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        String d = "decoder.";
        w.add(d + "proj_in.1.weight", Math.sqrt(3.0 / 384), H, c.inChannels(), 2);
        w.add(d + "proj_in.1.bias", 0.02, H);
        for (String te : new String[]{"time_embed.", "time_embed_r."}) {
            w.linear(d + te + "linear_1", H, 256, true);
            w.linear(d + te + "linear_2", H, H, true);
            w.add(d + te + "time_proj.weight", 0.001, 6 * H, H);
            w.add(d + te + "time_proj.bias", 0.001, 6 * H);
        }
        w.linear(d + "condition_embedder", H, H, true);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = d + "layers." + i + ".";
            for (String a : new String[]{"self_attn.", "cross_attn."}) {
                w.linear(p + a + "q_proj", q, H, false);
                w.linear(p + a + "k_proj", kv, H, false);
                w.linear(p + a + "v_proj", kv, H, false);
                w.linear(p + a + "o_proj", H, q, false);
                w.ones(p + a + "q_norm.weight", c.headDim());
                w.ones(p + a + "k_norm.weight", c.headDim());
            }
            w.ones(p + "self_attn_norm.weight", H);
            w.ones(p + "cross_attn_norm.weight", H);
            w.ones(p + "mlp_norm.weight", H);
            w.linear(p + "mlp.gate_proj", c.intermediateSize(), H, false);
            w.linear(p + "mlp.up_proj", c.intermediateSize(), H, false);
            w.linear(p + "mlp.down_proj", H, c.intermediateSize(), false);
            w.add(p + "scale_shift_table", 0.02, 1, 6, H);
        }
        w.ones(d + "norm_out.weight", H);
        w.add(d + "proj_out.1.weight", 0.02, H, c.latentChannels(), 2);
        w.add(d + "proj_out.1.bias", 0.02, c.latentChannels());
        w.add(d + "scale_shift_table", 0.02, 1, 2, H);
        return w.source();
    }

    /** The real VAE geometry (E = D = 128, multiples 1, 2, 4, 8, 16) with random weight-normed convolutions. */
    void fullSizeVae() throws Exception {
        VaeConfig c = new VaeConfig(128, 128, 64, 2, new int[]{1, 2, 4, 8, 16}, new int[]{2, 4, 4, 6, 10}, 48000);
        RandomWeights w = new RandomWeights();
        int[] cm = c.cm();
        int n = 5;
        conv(w, "decoder.conv1", c.decoderChannels() * cm[n], 64, 7, true);
        for (int i = 0; i < n; i++) {
            String p = "decoder.block." + i + ".";
            int in = c.decoderChannels() * cm[n - i], o = c.decoderChannels() * cm[n - i - 1], s = c.downsamplingRatios()[n - 1 - i];
            snake(w, p + "snake1", in);
            w.add(p + "conv_t1.weight_v", 1, in, o, 2L * s);
            w.add(p + "conv_t1.weight_g", 1, in, 1, 1);
            w.add(p + "conv_t1.bias", 0.02, o);
            for (int u = 1; u <= 3; u++) {
                String ru = p + "res_unit" + u + ".";
                snake(w, ru + "snake1", o);
                conv(w, ru + "conv1", o, o, 7, true);
                snake(w, ru + "snake2", o);
                conv(w, ru + "conv2", o, o, 1, true);
            }
        }
        snake(w, "decoder.snake1", c.decoderChannels());
        conv(w, "decoder.conv2", 2, c.decoderChannels(), 7, false);
        // The forms renders use here (fused Snake on CPU when AceForge's operators load, Winograd convolutions on CPU).
        OnnxGraph g = VaeGraphs.decoder(c, w.source(), org.aceforge.engine.nets.VaeForm.forDevice(OrtRuntime.device()));
        // 125 latent frames = 5 s; -Daceforge.bench.vaeFrames=250 decodes a 10 s song's single tile.
        int frames = Integer.getInteger("aceforge.bench.vaeFrames", 125);
        Tensor3 lat = org.aceforge.engine.sampling.InitialNoise.of(new long[]{9}, frames, 64);
        long opening = System.nanoTime();
        try (NetSession s = new NetSession("vae-full", g.toModelBytes(), g.externalWeights())) {
            out.printf("%-16s session opened in %.1f s%n", "full-size VAE", (System.nanoTime() - opening) / 1e9);
            double t = median(() -> s.run(Map.of("latents", lat.toTensorData("l"))));
            double seconds = frames / 25.0;
            out.printf("%-16s decode %.0f s (one tile): %.2f s  real-time factor %.2f×%n", "full-size VAE", seconds, t, seconds / t);
        }
    }

    private static void conv(RandomWeights w, String name, int out, int in, int k, boolean bias) {
        w.add(name + ".weight_v", 1, out, in, k);
        w.add(name + ".weight_g", 1, out, 1, 1);
        if (bias) w.add(name + ".bias", 0.02, out);
    }

    private static void snake(RandomWeights w, String name, int ch) {
        w.add(name + ".alpha", 0.1, 1, ch, 1);
        w.add(name + ".beta", 0.1, 1, ch, 1);
    }
}
