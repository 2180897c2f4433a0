package org.aceforge.engine.train;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a LoRA on preprocessed samples, one sample per forward/backward run of the {@link LoraTrainingGraph}
 * session: t drawn uniformly from the 8 turbo timesteps at the given shift (spec §6), x_t = t·noise + (1−t)·x₀, the
 * loss against noise − x₀; gradients averaged over {@code gradAccum} samples, clipped to a global norm, then one AdamW
 * step with linear warm-up. Every random draw comes from (seed, number of samples seen), so a run resumed from a
 * checkpoint continues exactly as an uninterrupted one. Training thread only; {@link #close} frees the sessions.
 */
public final class LoraTrainer implements AutoCloseable {
    private final LoraParameters params;
    private final TrainingOptions options;
    private final AdamW optimizer;
    private final AceStepConfig config;
    private final WeightSource dit;
    /** One session per sample shape (frames, condition length): fixed-size graphs load fast (LoraTrainingGraph). */
    private final Map<List<Integer>, NetSession> sessions = new HashMap<>();
    private final LayerwisePass layerwise;
    private ActivationPolicy activations = ActivationPolicy.AUTO;
    private long freeBytes = -1;
    /** Estimated activation memory held by the whole-DiT sessions made so far. */
    private long kept;
    private final double[] timesteps;
    private final Map<String, float[]> accumulated = new LinkedHashMap<>();
    private long samplesSeen;
    private int pending;

    public LoraTrainer(AceStepConfig c, WeightSource dit, LoraParameters params, TrainingOptions options) throws Exception {
        this.params = params;
        this.options = options.validate();
        this.optimizer = new AdamW(options.weightDecay());
        this.config = c;
        this.dit = dit;
        this.layerwise = new LayerwisePass(c, dit, params);
        this.timesteps = timesteps(options.shift());
    }

    /** The 8 turbo timesteps at {@code shift}: shift·s/(1 + (shift−1)·s) for s = 1, 7/8, …, 1/8 (shift 3: 1.0 … 0.3). */
    public static double[] timesteps(double shift) {
        double[] t = new double[8];
        for (int k = 0; k < 8; k++) {
            double s = 1 - k / 8.0;
            t[k] = shift * s / (1 + (shift - 1) * s);
        }
        return t;
    }

    public LoraParameters parameters() { return params; }

    public AdamW optimizer() { return optimizer; }

    public long samplesSeen() { return samplesSeen; }

    /**
     * One sample's forward and backward pass; after every {@code gradAccum}-th, an optimiser step. Returns the sample's
     * loss.
     */
    public double step(TrainingSample s) throws Exception {
        long draw = mix(options.seed(), samplesSeen);
        double t = timesteps[(int) Math.floorMod(draw, 8L)];
        Tensor3 noise = InitialNoise.of(new long[]{draw >>> 3}, s.latents().frames(), s.latents().channels());
        Map<String, TensorData> feeds = feeds(params, s, noise, t);
        if (params.dropout() > 0)   // a new dropout draw per sample, from the same (seed, samples seen) as the rest
            feeds.put(OnnxGraph.LORA_DROPOUT_SEED, TensorData.ofFloats(OnnxGraph.LORA_DROPOUT_SEED,
                    new float[]{(float) Math.floorMod(mix(draw, 17), 100_000L) / 100f}, 1));
        Map<String, TensorData> out = keeps(s) ? session(s).run(feeds) : layerwise.run(feeds);
        double loss = out.get(LoraTrainingGraph.LOSS).toFloats()[0];
        for (String name : params.names()) {
            float[] g = out.get(LoraTrainingGraph.GRAD + name).toFloats();
            float[] acc = accumulated.computeIfAbsent(name, k -> new float[g.length]);
            for (int i = 0; i < g.length; i++) acc[i] += g[i] / options.gradAccum();
        }
        samplesSeen++;
        if (++pending == options.gradAccum()) update();
        return loss;
    }

    /** Sets whether steps keep every layer's activations or recompute them layer by layer (default: by free memory). */
    public LoraTrainer activations(ActivationPolicy policy) {
        this.activations = policy;
        return this;
    }

    /**
     * Whether this sample's step keeps its activations (a whole-DiT session for its shape) or recomputes them per
     * layer. Each whole-DiT session keeps its activations' memory between steps (ONNX Runtime's arena), so under
     * {@code AUTO} a new shape keeps them only if the estimate fits beside those of the shapes already kept.
     */
    public boolean keeps(TrainingSample s) {
        if (sessions.containsKey(shape(s))) return true;
        if (activations == ActivationPolicy.AUTO && freeBytes < 0)
            freeBytes = org.aceforge.engine.runtime.MachineMemory.detect(org.aceforge.engine.runtime.OrtRuntime.device()).bytes();
        int tokens = (s.latents().frames() + config.patchSize() - 1) / config.patchSize();
        return activations.keeps(config.numHiddenLayers(), config.hiddenSize(), tokens, freeBytes - 2 * kept);
    }

    private static List<Integer> shape(TrainingSample s) {
        return List.of(s.latents().frames(), s.condition().frames());
    }

    /** The session for this sample's shape, built on first use. */
    private NetSession session(TrainingSample s) throws Exception {
        List<Integer> shape = shape(s);
        NetSession existing = sessions.get(shape);
        if (existing != null) return existing;
        OnnxGraph g = LoraTrainingGraph.build(config, dit, params, shape.get(0), shape.get(1));
        NetSession made = NetSession.forTraining("lora-train-" + shape.get(0) + "x" + shape.get(1), g.toModelBytes(), g.externalWeights(), g.fedWeights());
        sessions.put(shape, made);
        kept += ActivationPolicy.keptBytes(config.numHiddenLayers(), config.hiddenSize(), (shape.get(0) + config.patchSize() - 1) / config.patchSize());
        return made;
    }

    /**
     * A training graph's inputs for sample {@code s} at timestep t with this noise: x_t = t·noise + (1−t)·x₀, the
     * target noise − x₀, the sample's condition and context, and the factors.
     */
    public static Map<String, TensorData> feeds(LoraParameters params, TrainingSample s, Tensor3 noise, double t) {
        Tensor3 x0 = s.latents();
        float[] xt = new float[x0.data().length], target = new float[xt.length];
        for (int i = 0; i < xt.length; i++) {
            xt[i] = (float) (t * noise.data()[i] + (1 - t) * x0.data()[i]);
            target[i] = noise.data()[i] - x0.data()[i];
        }
        Map<String, TensorData> feeds = new HashMap<>(params.feeds());
        feeds.put("hidden_states", new Tensor3(xt, 1, x0.frames(), x0.channels()).toTensorData("hidden_states"));
        feeds.put("context_latents", s.context().toTensorData("context_latents"));
        feeds.put("encoder_hidden_states", s.condition().toTensorData("encoder_hidden_states"));
        feeds.put("timestep", TensorData.ofFloats("timestep", new float[]{(float) t}, 1));
        feeds.put(LoraTrainingGraph.TARGET, new Tensor3(target, 1, x0.frames(), x0.channels()).toTensorData(LoraTrainingGraph.TARGET));
        return feeds;
    }

    private void update() {
        if (options.clip() > 0) {
            double norm = 0;
            for (float[] g : accumulated.values()) for (float v : g) norm += v * (double) v;
            norm = Math.sqrt(norm);
            if (norm > options.clip()) {
                float k = (float) (options.clip() / norm);
                for (float[] g : accumulated.values()) for (int i = 0; i < g.length; i++) g[i] *= k;
            }
        }
        long next = optimizer.steps() + 1;
        double lr = options.learningRate() * (options.warmup() == 0 ? 1 : Math.min(1.0, next / (double) options.warmup()));
        optimizer.step(params.arrays(), accumulated, lr);
        for (float[] g : accumulated.values()) java.util.Arrays.fill(g, 0);
        pending = 0;
    }

    /** Whether gradients wait for more samples before the next optimiser step (a checkpoint is taken between steps). */
    public boolean midStep() {
        return pending != 0;
    }

    /** Continues a run: the number of samples already seen (the optimiser's state is restored by the caller). */
    public void resumeAt(long seen) {
        samplesSeen = seen;
    }

    /** The order of the samples in epoch {@code epoch}: a seeded shuffle, the same on every run. */
    public static List<Integer> order(int count, long seed, int epoch) {
        List<Integer> idx = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) idx.add(i);
        java.util.Collections.shuffle(idx, new java.util.Random(mix(seed, 1_000_000_007L + epoch)));
        return idx;
    }

    /** A 64-bit mix of two numbers (SplitMix64's finaliser): independent draws per sample from one seed. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        sessions.values().forEach(NetSession::close);
        sessions.clear();
        layerwise.close();
    }
}
