package org.aceforge.engine.cli;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.train.AdapterExport;
import org.aceforge.engine.train.AutoLabel;
import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetException;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetScanner;
import org.aceforge.engine.train.LoraParameters;
import org.aceforge.engine.train.LoraTrainer;
import org.aceforge.engine.train.Preprocess;
import org.aceforge.engine.train.TagPosition;
import org.aceforge.engine.train.TrainingCheckpoint;
import org.aceforge.engine.train.TrainingOptions;
import org.aceforge.engine.train.TrainingSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    @Option(names = "--batch", defaultValue = "1", description = "Songs per forward pass (1; use --grad-accum to average over several).")
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

    private volatile boolean stop;

    @Override
    public Integer call() throws Exception {
        TrainingOptions options = new TrainingOptions(rank, alpha, lr, weightDecay, warmup, clip, gradAccum, shift, seed).validate();
        if (batch != 1) throw new BadRequestException("--batch " + batch + ": only 1 is supported for now (use --grad-accum to average over several songs)");
        if (epochs < 1) throw new BadRequestException("--epochs " + epochs + " is out of range: use 1 or more");
        if (saveEvery < 0) throw new BadRequestException("--save-every " + saveEvery + " is negative");
        if (!(dropout >= 0 && dropout < 1)) throw new BadRequestException("--dropout " + dropout + " is out of range: use 0 to below 1");
        ModelPack.Variant v = ModelPack.Variant.find(variant);
        if (v == null) throw new BadRequestException("--variant " + variant + " is unknown: use " + ModelPack.Variant.NAMES);
        if (model != null && !Files.isDirectory(model)) throw new BadRequestException("--model " + model + " is not a folder");
        if (Files.isRegularFile(out)) throw new BadRequestException("--out " + out + " is a file: name a folder");
        if (resume != null) TrainingCheckpoint.state(resume);   // a folder that is not a checkpoint is said before any work
        if (!Files.exists(dataset)) throw new BadRequestException("--dataset " + dataset + " does not exist");

        Dataset d;
        Path datasetFile = Files.isDirectory(dataset) ? null : dataset;
        try {
            if (datasetFile != null) d = DatasetJson.read(dataset);
            else {
                DatasetScanner.Scan s = DatasetScanner.scan(dataset, null, null, TagPosition.PREPEND, false, true, f -> System.err.println("reading " + f));
                for (DatasetScanner.Skipped k : s.skipped()) System.err.println("skipped " + k.file() + ": " + k.reason());
                d = s.dataset();
            }
        } catch (DatasetException e) {
            throw new BadRequestException("--dataset: " + e.getMessage());
        }
        if (d.samples().isEmpty()) throw new BadRequestException("--dataset " + dataset + " holds no songs");
        for (var s : d.samples())
            if (!Files.isRegularFile(DatasetJson.audioOf(s, datasetFile)))
                throw new BadRequestException("--dataset " + dataset + ": sample " + s.id() + ": " + DatasetJson.audioOf(s, datasetFile) + " does not exist");

        ModelPack pack = model != null ? new ModelPack(model) : ModelLocator.defaultPack();
        pack.validate(v);
        var weights = org.aceforge.engine.model.Checkpoint.open(pack.dit(v), "model");
        var config = org.aceforge.engine.model.AceStepConfig.read(pack.dit(v).resolve("config.json"));
        LoraParameters params = LoraParameters.fresh(weights, config.numHiddenLayers(), rank, alpha, seed).dropout(dropout);   // a rank too large is said now
        GraphCache graphs = GraphCache.defaultCache();
        if (d.samples().stream().anyMatch(s -> !s.labeled()) && datasetFile == null) {
            try (RenderService service = new RenderService(1, graphs)) {
                int[] n = {0};
                int count = d.samples().size();
                d = AutoLabel.label(service, model, d, null, false, false, seed, s -> System.err.printf(Locale.ROOT, "labelling %d/%d: %s%n",
                        ++n[0], count, s.filename()));
            } catch (ExecutionException e) {
                throw RenderCommand.unwrapToException(e);
            }
        }
        Files.createDirectories(out);
        List<TrainingSample> samples;
        Path cache = graphs.dir().resolveSibling("training");
        try (ModelSet m = new ModelSet(pack, v, graphs)) {
            Dataset ds = d;
            samples = Preprocess.run(m, ds, datasetFile, LatentCache.besides(graphs), cache,
                    (i, s) -> System.err.printf(Locale.ROOT, "preprocessing %d/%d: %s%n", i, ds.samples().size(), s.filename()));
        }
        String base = pack.dit(v).getFileName().toString();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                finished.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "aceforge-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (LoraTrainer trainer = new LoraTrainer(config, weights, params, options)) {
            int firstEpoch = 0;
            if (resume != null) {
                TrainingCheckpoint.State s = TrainingCheckpoint.restore(resume, trainer);
                firstEpoch = (int) (s.samplesSeen() / samples.size());
                System.err.printf(Locale.ROOT, "resumed at epoch %d, step %d%n", firstEpoch + 1, s.optimizerSteps());
            }
            long t0 = System.nanoTime(), startSeen = trainer.samplesSeen(), total = (long) epochs * samples.size();
            for (int epoch = firstEpoch; epoch < epochs; epoch++) {
                List<Integer> order = LoraTrainer.order(samples.size(), seed, epoch);
                double sum = 0;
                int n = 0;
                for (int k = (int) (trainer.samplesSeen() - (long) epoch * samples.size()); k < samples.size(); k++) {
                    if (stop && !trainer.midStep()) {
                        TrainingCheckpoint.save(trainer, epoch, dropout, base, out.resolve("checkpoint"));
                        System.err.println("stopped: checkpoint in " + out.resolve("checkpoint") + " (continue with --resume " + out.resolve("checkpoint") + ")");
                        return Main.CANCELLED;
                    }
                    double loss = trainer.step(samples.get(order.get(k)));
                    sum += loss;
                    n++;
                    long done = trainer.samplesSeen() - startSeen;
                    double perSample = (System.nanoTime() - t0) / 1e9 / done;
                    System.err.printf(Locale.ROOT, "step %d/%d  loss %.4f  %s left%n", trainer.samplesSeen(), total, loss,
                            duration(perSample * (total - trainer.samplesSeen())));
                }
                System.out.printf(Locale.ROOT, "epoch %d loss %.4f%n", epoch + 1, n == 0 ? Double.NaN : sum / n);
                if (saveEvery > 0 && (epoch + 1) % saveEvery == 0 && !trainer.midStep())
                    TrainingCheckpoint.save(trainer, epoch + 1, dropout, base, out.resolve("checkpoint-epoch-" + (epoch + 1)));
            }
            AdapterExport.write(params, dropout, base, out.resolve(".adapter"));
            for (String f : new String[]{"adapter_config.json", "adapter_model.safetensors"})
                Files.move(out.resolve(".adapter").resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            org.aceforge.engine.tensors.Folders.deleteRecursively(out.resolve(".adapter"));
            if (!trainer.midStep()) TrainingCheckpoint.save(trainer, epochs, dropout, base, out.resolve("checkpoint"));
            System.err.println("adapter written to " + out + " (use it with render --lora " + out + ")");
            return Main.OK;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and waits for the countDown above
            }
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
