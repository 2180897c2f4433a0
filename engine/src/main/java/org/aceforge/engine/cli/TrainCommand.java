package org.aceforge.engine.cli;

import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.train.TrainingOptions;
import org.aceforge.engine.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * {@code aceforge train}: a LoRA for the DiT from a dataset JSON or a folder of songs (scanned and auto-labelled),
 * preprocessed once, trained on this machine (ONNX Runtime, the same graphs as rendering, gradients built by the
 * engine), exported as a PEFT folder. One line per epoch: {@code epoch N loss X}. Ctrl-C saves a resumable checkpoint
 * ({@code OUT/checkpoint}) and exits 130; {@code --resume DIR} continues it.
 */
@Command(name = "train", description = "Train a LoRA adapter for the DiT from your songs (a dataset JSON or a folder), on this machine.", sortOptions = false)
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "A dataset JSON (aceforge dataset, or the official builder's), or a folder of songs (scanned and auto-labelled).")
    Path dataset;
    @Option(names = "--out", required = true, description = "Folder for the adapter (adapter_config.json, adapter_model.safetensors) and its checkpoints.")
    Path out;
    @Option(names = "--rank", defaultValue = "64", description = "LoRA rank r (default 64).")
    int rank;
    @Option(names = "--alpha", defaultValue = "128", description = "LoRA alpha (default 128): the update is scaled by alpha / r.")
    double alpha;
    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout on the LoRA input while training (default 0.1).")
    double dropout;
    @Option(names = "--lr", defaultValue = "1e-4", description = "Learning rate (default 1e-4).")
    double lr;
    @Option(names = "--epochs", defaultValue = "500", description = "Passes over the dataset (default 500).")
    int epochs;
    @Option(names = "--batch", defaultValue = "1", description = "Songs per optimiser step (default 1; 1 to 64): run one after another, their gradients averaged as one batch's would be.")
    int batch;
    @Option(names = "--grad-accum", defaultValue = "1", description = "Songs whose gradients make one optimiser step (default 1).")
    int gradAccum;
    @Option(names = "--save-every", defaultValue = "200", description = "Write a resumable checkpoint every N epochs (default 200; 0: only at the end).")
    int saveEvery;
    @Option(names = "--shift", defaultValue = "3.0", description = "Timestep shift of the 8 training timesteps (default 3.0).")
    double shift;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial adapter, the order, the noise and the timesteps (default 42).")
    long seed;
    @Option(names = "--variant", defaultValue = "turbo", description = "DiT to train for: turbo (default), sft or base.")
    String variant;
    @Option(names = "--warmup", defaultValue = "100", description = "Optimiser steps of learning-rate warm-up (default 100).")
    int warmup;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default 0.01).")
    double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient clipping to this global norm (default 1.0; 0: none).")
    double clip;
    @Option(names = "--resume", description = "Continue from a checkpoint folder (OUT/checkpoint after Ctrl-C).")
    Path resume;
    @Option(names = "--model", description = "Checkpoints folder (default: $ACEFORGE_MODELS, ~/.aceforge/models, else the demo pack).")
    Path model;
    @Option(names = "--activations", defaultValue = "auto", description = "auto (default), keep or recompute: keep every layer's activations "
            + "for the backward pass (fastest) or recompute them layer by layer (one more forward pass, the memory of one layer); "
            + "auto keeps them when they fit in half the free memory.")
    String activations;

    /** Songs per optimiser step: the batch's songs, run one after another, times the accumulation. */
    private int batchAccum() {
        return batch * gradAccum;
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 64) throw new BadRequestException("--batch " + batch + " is out of range: use 1 to 64");
        new TrainingOptions(rank, alpha, lr, weightDecay, warmup, clip, gradAccum, shift, seed).validate();   // each option in its own words first
        if ((long) batch * gradAccum > 1024)
            throw new BadRequestException("--batch " + batch + " × --grad-accum " + gradAccum + " is " + (long) batch * gradAccum + " songs per step: use at most 1024");
        org.aceforge.engine.train.ActivationPolicy policy = org.aceforge.engine.train.ActivationPolicy.find(activations);
        if (policy == null) throw new BadRequestException("--activations " + activations + " is unknown: use auto, keep or recompute");
        if (!(dropout >= 0 && dropout < 1)) throw new BadRequestException("--dropout " + dropout + " is out of range: use 0 to below 1");
        ModelPack.Variant v = ModelPack.Variant.find(variant);
        if (v == null) throw new BadRequestException("--variant " + variant + " is unknown: use " + ModelPack.Variant.NAMES);
        TrainingOptions options = new TrainingOptions(rank, alpha, lr, weightDecay, warmup, clip, batchAccum(), shift, seed);
        TrainingRun run = new TrainingRun(new TrainingRun.Settings(dataset, out, options, dropout, epochs, saveEvery, v, model, resume, policy),
                new TrainingRun.Listener() {
                    public void log(String line) { System.err.println(line); }

                    public void step(long seen, long total, double loss, double secondsLeft) {
                        System.err.printf(Locale.ROOT, "step %d/%d  loss %.4f  %s left%n", seen, total, loss, TrainingRun.duration(secondsLeft));
                    }

                    public void epoch(int epoch, double meanLoss) {
                        System.out.printf(Locale.ROOT, "epoch %d loss %.4f%n", epoch, meanLoss);
                    }
                });
        // Ctrl-C: the run stops at the next step with a checkpoint; the JVM waits for it before exiting.
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.stop();
            try {
                finished.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "aceforge-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.run() == TrainingRun.Outcome.STOPPED ? Main.CANCELLED : Main.OK;
        } catch (ExecutionException e) {
            throw RenderCommand.unwrapToException(e);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and waits for the countDown above
            }
        }
    }
}
