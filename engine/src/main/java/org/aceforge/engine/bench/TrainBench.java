package org.aceforge.engine.bench;

import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.WeightSource;
import org.aceforge.engine.train.LoraParameters;
import org.aceforge.engine.train.LoraTrainer;
import org.aceforge.engine.train.TrainingOptions;
import org.aceforge.engine.train.TrainingSample;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The time of one LoRA training step (forward, backward and the AdamW update) on a pack's turbo DiT, for a song of a
 * given length, with synthetic latents and condition (the step's cost does not depend on their values). Prints one
 * line per length and activation policy, recomputing first (the process's peak only grows):
 * {@code lora step at 10.0 s (rank 64, recompute): median X s, first Y s, peak memory Z MB}; keeping is skipped where
 * its activations would not fit in half the free memory.
 */
public final class TrainBench {
    private TrainBench() {}

    public static void run(Path pack, double[] seconds, int rank, int repeats, PrintStream out) throws Exception {
        ModelPack p = new ModelPack(pack);
        Path dit = p.dit(ModelPack.Variant.TURBO);
        AceStepConfig c = AceStepConfig.read(dit.resolve("config.json"));
        WeightSource w = Checkpoint.open(dit, "model");
        out.printf(Locale.ROOT, "LoRA training steps — %d cores, rank %d, %d layers × hidden %d, pack %s%n",
                Runtime.getRuntime().availableProcessors(), rank, c.numHiddenLayers(), c.hiddenSize(), pack);
        // Recomputing first: the peak (VmHWM) only grows, and it needs less.
        for (org.aceforge.engine.train.ActivationPolicy policy : new org.aceforge.engine.train.ActivationPolicy[]{
                org.aceforge.engine.train.ActivationPolicy.RECOMPUTE, org.aceforge.engine.train.ActivationPolicy.KEEP})
            for (double s : seconds) {
                int frames = (int) Math.round(s * 25);
                TrainingSample sample = new TrainingSample("bench", InitialNoise.of(new long[]{1}, frames, c.latentChannels()),
                        InitialNoise.of(new long[]{2}, 200, c.hiddenSize()), InitialNoise.of(new long[]{3}, frames, c.inChannels() - c.latentChannels()));
                String name = policy.name().toLowerCase(Locale.ROOT);
                int tokens = (frames + c.patchSize() - 1) / c.patchSize();
                if (policy == org.aceforge.engine.train.ActivationPolicy.KEEP && !org.aceforge.engine.train.ActivationPolicy.AUTO.keeps(
                        c.numHiddenLayers(), c.hiddenSize(), tokens, org.aceforge.engine.runtime.MachineMemory.detect(org.aceforge.engine.runtime.OrtRuntime.device()).bytes())) {
                    out.printf(Locale.ROOT, "lora step at %.1f s (rank %d, keep): skipped, its activations would not fit in half the free memory%n", s, rank);
                    continue;
                }
                LoraParameters params = LoraParameters.fresh(w, c.numHiddenLayers(), rank, 2.0 * rank, 42).dropout(0.1);
                try (LoraTrainer t = new LoraTrainer(c, w, params, new TrainingOptions(rank, 2.0 * rank, 1e-4, 0.01, 0, 1.0, 1, 3.0, 42)).activations(policy)) {
                    long t0 = System.nanoTime();
                    t.step(sample);
                    double first = (System.nanoTime() - t0) / 1e9;
                    double[] times = new double[repeats];
                    for (int i = 0; i < repeats; i++) {
                        long a = System.nanoTime();
                        t.step(sample);
                        times[i] = (System.nanoTime() - a) / 1e9;
                    }
                    Arrays.sort(times);
                    out.printf(Locale.ROOT, "lora step at %.1f s (rank %d, %s): median %.2f s, first %.1f s, peak memory %d MB%n", s, rank, name,
                            times[repeats / 2], first, org.aceforge.engine.runtime.MachineMemory.peakResidentMb());
                }
            }
    }
}
