package org.aceforge.engine.train;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * One training run from a dataset to an adapter folder, as the command line and the studio both start it: the
 * dataset read (a folder scanned and auto-labelled), every value checked before any work, the songs preprocessed,
 * the epochs trained with checkpoints every {@code saveEvery} epochs, the adapter exported into {@code out}. {@link #stop}
 * (any thread) ends it at the next step with a resumable checkpoint in {@code out/checkpoint}. The run itself goes on
 * the caller's thread; what happens is told to the {@link Listener} on that thread.
 */
public final class TrainingRun {
    /** What a run reports: lines for a log, every step, every epoch. */
    public interface Listener {
        void log(String line);

        default void step(long seen, long total, double loss, double secondsLeft) {}

        default void epoch(int epoch, double meanLoss) {}
    }

    /** How a run ended. */
    public enum Outcome { FINISHED, STOPPED }

    /**
     * Everything a run is given.
     *
     * @param dataset   a dataset JSON, or a folder of songs (scanned and auto-labelled with the defaults)
     * @param modelDir  the checkpoints folder (null: the installed models, else the demo pack)
     * @param resume    a checkpoint folder to continue (null: a fresh adapter)
     * @param activations whether steps keep or recompute the layers' activations
     */
    public record Settings(Path dataset, Path out, TrainingOptions options, double dropout, int epochs, int saveEvery,
                           ModelPack.Variant variant, Path modelDir, Path resume, ActivationPolicy activations) {}

    private final Settings s;
    private final Listener listener;
    private volatile boolean stop;

    public TrainingRun(Settings settings, Listener listener) {
        this.s = settings;
        this.listener = listener;
    }

    /** Any thread: ends the run at the next step boundary, with a checkpoint. */
    public void stop() {
        stop = true;
    }

    /**
     * Checks, preprocesses, trains, exports. Bad values throw {@link IllegalArgumentException} (named by the command
     * line's options) before anything is written.
     */
    public Outcome run() throws Exception {
        TrainingOptions o = s.options().validate();
        if (s.epochs() < 1) throw new IllegalArgumentException("--epochs " + s.epochs() + " is out of range: use 1 or more");
        if (s.saveEvery() < 0) throw new IllegalArgumentException("--save-every " + s.saveEvery() + " is negative");
        if (s.modelDir() != null && !Files.isDirectory(s.modelDir())) throw new IllegalArgumentException("--model " + s.modelDir() + " is not a folder");
        if (Files.isRegularFile(s.out())) throw new IllegalArgumentException("--out " + s.out() + " is a file: name a folder");
        if (s.resume() != null) TrainingCheckpoint.state(s.resume());
        if (!Files.exists(s.dataset())) throw new IllegalArgumentException("--dataset " + s.dataset() + " does not exist");

        Path datasetFile = Files.isDirectory(s.dataset()) ? null : s.dataset();
        Dataset d;
        try {
            if (datasetFile != null) d = DatasetJson.read(datasetFile);
            else {
                DatasetScanner.Scan scan = DatasetScanner.scan(s.dataset(), null, null, TagPosition.PREPEND, false, true, f -> listener.log("reading " + f));
                for (DatasetScanner.Skipped k : scan.skipped()) listener.log("skipped " + k.file() + ": " + k.reason());
                d = scan.dataset();
            }
        } catch (DatasetException e) {
            throw new IllegalArgumentException("--dataset: " + e.getMessage());
        }
        if (d.samples().isEmpty()) throw new IllegalArgumentException("--dataset " + s.dataset() + " holds no songs");
        for (DatasetSample x : d.samples())
            if (!Files.isRegularFile(DatasetJson.audioOf(x, datasetFile)))
                throw new IllegalArgumentException("--dataset " + s.dataset() + ": sample " + x.id() + ": " + DatasetJson.audioOf(x, datasetFile) + " does not exist");

        ModelPack pack = s.modelDir() != null ? new ModelPack(s.modelDir()) : ModelLocator.defaultPack();
        pack.validate(s.variant());
        WeightSource weights = Checkpoint.open(pack.dit(s.variant()), "model");
        AceStepConfig config = AceStepConfig.read(pack.dit(s.variant()).resolve("config.json"));
        LoraParameters params = LoraParameters.fresh(weights, config.numHiddenLayers(), o.rank(), o.alpha(), o.seed()).dropout(s.dropout());
        GraphCache graphs = GraphCache.defaultCache();
        if (datasetFile == null && d.samples().stream().anyMatch(x -> !x.labeled())) {
            try (RenderService service = new RenderService(1, graphs)) {
                int[] n = {0};
                int count = d.samples().size();
                d = AutoLabel.label(service, s.modelDir(), d, null, false, false, o.seed(),
                        x -> listener.log(String.format(Locale.ROOT, "labelling %d/%d: %s", ++n[0], count, x.filename())));
            }
        }
        Files.createDirectories(s.out());
        List<TrainingSample> samples;
        try (ModelSet m = new ModelSet(pack, s.variant(), graphs)) {
            Dataset ds = d;
            samples = Preprocess.run(m, ds, datasetFile, LatentCache.besides(graphs), graphs.dir().resolveSibling("training"),
                    (i, x) -> listener.log(String.format(Locale.ROOT, "preprocessing %d/%d: %s", i, ds.samples().size(), x.filename())));
        }
        String base = pack.dit(s.variant()).getFileName().toString();
        try (LoraTrainer trainer = new LoraTrainer(config, weights, params, o).activations(s.activations())) {
            int firstEpoch = 0;
            if (s.resume() != null) {
                TrainingCheckpoint.State st = TrainingCheckpoint.restore(s.resume(), trainer);
                firstEpoch = (int) (st.samplesSeen() / samples.size());
                listener.log(String.format(Locale.ROOT, "resumed at epoch %d, step %d", firstEpoch + 1, st.optimizerSteps()));
            }
            long t0 = System.nanoTime(), startSeen = trainer.samplesSeen(), total = (long) s.epochs() * samples.size();
            for (int epoch = firstEpoch; epoch < s.epochs(); epoch++) {
                List<Integer> order = LoraTrainer.order(samples.size(), o.seed(), epoch);
                double sum = 0;
                int n = 0;
                for (int k = (int) (trainer.samplesSeen() - (long) epoch * samples.size()); k < samples.size(); k++) {
                    if (stop && !trainer.midStep()) {
                        Path at = s.out().resolve("checkpoint");
                        TrainingCheckpoint.save(trainer, epoch, s.dropout(), base, at);
                        listener.log("stopped: checkpoint in " + at + " (continue with --resume " + at + ")");
                        return Outcome.STOPPED;
                    }
                    double loss = trainer.step(samples.get(order.get(k)));
                    sum += loss;
                    n++;
                    double perSample = (System.nanoTime() - t0) / 1e9 / (trainer.samplesSeen() - startSeen);
                    listener.step(trainer.samplesSeen(), total, loss, perSample * (total - trainer.samplesSeen()));
                }
                listener.epoch(epoch + 1, n == 0 ? Double.NaN : sum / n);
                if (s.saveEvery() > 0 && (epoch + 1) % s.saveEvery() == 0 && !trainer.midStep())
                    TrainingCheckpoint.save(trainer, epoch + 1, s.dropout(), base, s.out().resolve("checkpoint-epoch-" + (epoch + 1)));
            }
            Path staged = s.out().resolve(".adapter");
            AdapterExport.write(params, s.dropout(), base, staged);
            for (String f : new String[]{"adapter_config.json", "adapter_model.safetensors"})
                Files.move(staged.resolve(f), s.out().resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            org.aceforge.engine.tensors.Folders.deleteRecursively(staged);
            if (!trainer.midStep()) TrainingCheckpoint.save(trainer, s.epochs(), s.dropout(), base, s.out().resolve("checkpoint"));
            listener.log("adapter written to " + s.out() + " (use it with render --lora " + s.out() + ")");
            return Outcome.FINISHED;
        }
    }

    /** "1h05m", "3m20s". */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
