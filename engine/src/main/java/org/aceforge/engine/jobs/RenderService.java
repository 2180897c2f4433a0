package org.aceforge.engine.jobs;

import org.aceforge.engine.audio.OutputFormat;
import org.aceforge.engine.lm.CausalLm;
import org.aceforge.engine.lm.LmPlanner;
import org.aceforge.engine.lm.LmScorer;
import org.aceforge.engine.model.LoraAdapter;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.pipeline.DitOptions;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.LyricTimestamps;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.Renderer;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.TensorDump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs renders on worker threads: a queue, progress (stage, fraction, message), cooperative cancel between sampler
 * steps, and results written atomically (audio + JSON sidecar per batch item). Used by the CLI, and later by the UI
 * and the plugin. Loaded models stay open between jobs for the same folder and variant.
 */
public final class RenderService implements RenderBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);
    private final ExecutorService workers;
    private final GraphCache cache;
    private final LatentCache latents;
    private ModelSet loaded;
    private String loadedKey;
    private CausalLm lm;
    private volatile boolean offload;
    private volatile java.util.function.Supplier<org.aceforge.engine.runtime.MachineMemory> memory =
            () -> org.aceforge.engine.runtime.MachineMemory.detect(org.aceforge.engine.runtime.OrtRuntime.device());
    private volatile String tierSaid;
    private LmPlanner lmPlanner;
    private String lmFolder;

    /** A service whose source latents are cached beside the graphs. */
    public RenderService(int workerThreads, GraphCache cache) {
        this(workerThreads, cache, LatentCache.besides(cache));
    }

    public RenderService(int workerThreads, GraphCache cache, LatentCache latents) {
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "aceforge-render-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.cache = cache;
        this.latents = latents;
    }

    /**
     * Offload: each network's memory is freed as soon as its stage is done (the LM after planning, the text encoder
     * and the DiT before decoding, the VAE after the render), so peak memory is that of the largest stage rather
     * than of all models; each opens again (seconds for the real models) on its next use. Any thread; applies to the
     * next render.
     */
    public RenderService offload(boolean on) {
        offload = on;
        return this;
    }

    /**
     * Where the memory figure for the tier comes from (tests, or a user pretending a smaller machine). Any thread;
     * applies to the next render.
     */
    public RenderService memory(java.util.function.Supplier<org.aceforge.engine.runtime.MachineMemory> source) {
        memory = source;
        return this;
    }

    /**
     * Makes the next render with the loaded models compute everything a new request computes — the caption's hidden
     * state, the condition, its cross-attention keys and values (see
     * {@link org.aceforge.engine.pipeline.DitModel#forgetCondition}): for benchmarks. Any thread, between jobs.
     */
    public synchronized void forgetConditions() {
        if (loaded == null) return;
        loaded.dit().forgetCondition();
        loaded.text().forget();
    }

    /** The models a render left loaded (tests). */
    public synchronized int openSessions() {
        return (loaded == null ? 0 : loaded.openSessions()) + (lm != null && lm.sessionOpen() ? 1 : 0);
    }

    @Override
    public RenderJob submit(RenderRequest request, ProgressListener listener) {
        return submit(request, listener, null);
    }

    /** Any thread. Validation errors throw here, before anything is queued; {@code dumpDir} (or null) receives intermediates. */
    public RenderJob submit(RenderRequest request, ProgressListener listener, Path dumpDir) {
        request.validate();
        checkWritable(request);
        ModelChoice model = request.model();
        if (request.kind().needsBase() && model.variant() != ModelPack.Variant.BASE)
            throw new BadRequestException(RequestField.TASK, request.kind() + " needs the base model: choose {VARIANT} base (turbo and sft cannot " + request.kind() + ")");
        if (model.dir() != null) {
            ModelPack pack = new ModelPack(model.dir());
            pack.validate(model.variant());
            if (request.lm() != null || request.output().score()) pack.lm(request.lm() == null ? null : request.lm().model());
        }
        LoraAdapter lora = null;
        if (model.lora() != null) {
            try {
                lora = LoraAdapter.read(model.lora());   // the one read of the adapter
            } catch (ModelFolderException e) {
                throw new BadRequestException(RequestField.LORA, e.getMessage().replaceFirst("^LoRA ", ""));
            }
        }
        // What this process holds (open models, arenas) counts as the render's: otherwise every render after the
        // first sees a smaller machine than the first did (MachineMemory#withOwn).
        MemoryPolicy.Applied fit = MemoryPolicy.apply(request, memory.get().withOwn(org.aceforge.engine.runtime.MachineMemory.ownAnonymousBytes()), offload);
        // The tier goes to the log when it changes; the user hears of it when it changes something (with what and why).
        if (!fit.tier().name().equals(tierSaid)) LOG.info(fit.summary());
        tierSaid = fit.tier().name();
        List<String> notes = new java.util.ArrayList<>();
        if (!fit.changes().isEmpty()) notes.add(fit.summary());
        notes.addAll(fit.changes());
        for (String n : fit.changes()) LOG.info(n);
        RenderJob job = new RenderJob(fit.request(), new DitOptions(fit.request().model().int8(), lora, model.loraScale()), fit, notes);
        workers.submit(() -> {
            long t0 = System.nanoTime();
            try {
                RenderResult r = run(job, p -> { job.progress(p); listener.onProgress(p); }, dumpDir, t0);
                job.result().complete(r);
            } catch (Throwable e) {
                job.result().completeExceptionally(e);
            }
        });
        return job;
    }

    /**
     * "Convert to codes" on a worker: the 5 Hz codes of an audio file with the given models (null folder: the
     * default models). Any thread; the future completes on the worker.
     */
    public java.util.concurrent.CompletableFuture<long[]> toCodes(Path modelDir, String variant, Path audio) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                ModelPack pack = modelDir != null ? new ModelPack(modelDir) : ModelLocator.defaultPack();
                ModelSet m = models(pack, ModelPack.Variant.parse(variant == null ? "turbo" : variant), DitOptions.DEFAULT);
                return org.aceforge.engine.pipeline.SourceCodes.fromAudio(m, audio, latents, null);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, workers);
    }

    /** A job for the 5 Hz LM alone (transcribe codes, format a caption) on a worker. Any thread. */
    public <T> java.util.concurrent.CompletableFuture<T> withLm(Path modelDir, String lmName, boolean int8, LmJob<T> job) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                ModelPack pack = modelDir != null ? new ModelPack(modelDir) : ModelLocator.defaultPack();
                return job.run(planner(pack, lmName, int8));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, workers);
    }

    /** Work done with the LM planner on a worker thread. */
    public interface LmJob<T> {
        T run(LmPlanner planner) throws Exception;
    }

    /** Checks up front that the output folder exists (or can be made) and accepts files. */
    static void checkWritable(RenderRequest r) {
        Path out = r.output().path();
        OutputFormat.of(out);
        Path dir = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".aceforge-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new BadRequestException(RequestField.OUTPUT, out + " is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** The stages of a render, in order; each reports progress and honours a cancel. */
    private RenderResult run(RenderJob job, ProgressListener progress, Path dumpDir, long t0) throws Exception {
        RenderRequest asked = job.request();
        CancelToken cancel = job.token();
        StageClock clock = new StageClock();
        clock.start("load");
        progress = clock.following(progress);
        progress.onProgress(new Progress(Progress.Stage.LOADING, 0, "opening models"));
        ModelPack pack = asked.model().dir() != null ? new ModelPack(asked.model().dir()) : ModelLocator.defaultPack();
        ModelSet models = models(pack, asked.model().variant(), job.ditOptions());
        if (job.ditOptions().int8() && !models.dit().int8()) job.note("--int8 asked, " + org.aceforge.engine.runtime.Int8Choice.current().why());
        cancel.check();

        LmStage.Outcome planned = asked.lm() == null ? null : plan(asked, pack, progress, cancel);
        RenderRequest r = planned != null ? planned.planned() : asked;

        Renderer.Plan plan = PlanStage.resolve(r, models, planned);
        LOG.info("render: {} {} s, {} frames, seeds {}, sampler {}", r.kind(), plan.seconds(), plan.frames(),
                java.util.Arrays.toString(plan.seeds()), plan.sampler().turbo() ? "turbo" : "base");
        progress.onProgress(new Progress(Progress.Stage.ENCODING, 0, r.hasSource() ? "encoding the source" : "encoding caption and lyrics"));
        boolean offload = job.memory().offload();
        Renderer.Result rendered = renderFitting(job, models, plan, new JobStages(progress, cancel, offload ? models : null),
                dumpDir == null ? null : new TensorDump(dumpDir));

        clock.start("lrc_and_score");
        List<List<LyricTimestamps.Line>> lrc = r.output().lrc() ? LrcStage.run(models, r.music(), plan, rendered, progress, cancel) : null;
        cancel.check();
        List<LmScorer.Score> scores = r.output().score()
                ? ScoreStage.run(new LmScorer(planner(pack, r.lm() == null ? null : r.lm().model(), r.model().int8()).model()),
                        r, models, planned, rendered.audio(), latents, progress, cancel)
                : null;
        if (offload) {
            models.releaseSessions();
            if (lm != null) lm.releaseSessions();
        }

        clock.start("write");   // not in the sidecar's timing (written during this stage); in the result's
        progress.onProgress(new Progress(Progress.Stage.WRITING, 0, "writing files"));
        var from = new ResultWriter.Provenance(pack.root().toString(), models.dit().folder().getFileName().toString(),
                pack.isDemo(), planned == null ? null : lm.folder().toString(),
                r.source() == null ? null : Sidecar.sha256(r.source()),
                r.music().reference() == null ? null : Sidecar.sha256(r.music().reference()), asked.music(), job.memory(), clock.stages(),
                job.notes().stream().filter(n -> n.startsWith("out of memory")).toList(),
                models.dit().int8Kernel() == null ? null : models.dit().int8Kernel().id(),
                models.dit().encoderKernel() == null ? null : models.dit().encoderKernel().id());
        List<RenderResult.Item> items = ResultWriter.write(asked, r, plan, rendered, from, planned, lrc, scores, progress);
        clock.end();
        progress.onProgress(new Progress(Progress.Stage.DONE, 1, "done"));
        return new RenderResult(items, pack.isDemo(), (System.nanoTime() - t0) / 1e9, clock.stages());
    }

    /**
     * The render, adapted to the memory there is: out of memory (ONNX Runtime's allocation failures, Java's heap), the
     * decode retries in smaller tiles (inside the renderer) and then the variants go through in smaller groups — each
     * variant is the same audio in any group — down to one at a time; every step is told to the user and recorded.
     */
    private Renderer.Result renderFitting(RenderJob job, ModelSet models, Renderer.Plan plan, JobStages stages, TensorDump dump) throws Exception {
        int group = job.memory().maxBatch();
        try {
            while (true) {
                try {
                    // The VAE tile from the memory free when decoding starts (after any offload), not at submit.
                    var source = memory;
                    return Renderer.render(models, plan, group, () -> MemoryPolicy.vaeTileFrames(source.get()), stages, dump, latents);
                } catch (Exception | OutOfMemoryError e) {
                    int size = Math.min(group, plan.seeds().length);
                    if (!org.aceforge.engine.runtime.OutOfMemory.is(e)) throw e;
                    if (size <= 1) throw new NotEnoughMemoryException(plan.seconds(), e);
                    group = Math.max(1, size / 2);
                    stages.note("out of memory: rendering the variants " + group + " at a time");
                    LOG.warn("out of memory ({}); retrying {} variants at a time", e.getMessage(), group);
                }
            }
        } finally {
            for (String n : stages.notes()) job.note(n);
        }
    }

    /** The LM stage: what the 5 Hz LM decides before the DiT (with every seed fixed first, so both use the same). */
    private LmStage.Outcome plan(RenderRequest r, ModelPack pack, ProgressListener progress, CancelToken cancel) throws Exception {
        long[] seeds = PlanStage.seeds(r.sampling().seeds(), r.batch());
        progress.onProgress(new Progress(Progress.Stage.LOADING, 0.5, "opening the 5 Hz LM"));
        LmPlanner planner = planner(pack, r.lm().model(), r.model().int8());
        LmStage.Outcome planned = LmStage.run(r.withSeeds(seeds), seeds, planner, progress, cancel);
        if (offload && !r.output().score()) lm.releaseSessions();   // the service's setting; the tier's applies to the DiT stages
        return planned;
    }

    /** The LM stays open between renders for the same folder (its session and tokenizer take seconds to open). */
    private synchronized LmPlanner planner(ModelPack pack, String name, boolean int8) {
        java.nio.file.Path folder = pack.lm(name).toAbsolutePath();
        String key = folder + (int8 ? "#int8" : "");
        if (!key.equals(lmFolder)) {
            if (lm != null) {
                lm.close();
                org.aceforge.engine.runtime.os.NativeHeap.collectAndTrim();
            }
            lm = null;
            lmFolder = null;
            lm = new CausalLm(folder, cache, int8);
            lmFolder = key;
            lmPlanner = new LmPlanner(lm, Music.LANGUAGES, (int) Music.MAX_DURATION);
        }
        return lmPlanner;
    }

    private synchronized ModelSet models(ModelPack pack, ModelPack.Variant v, DitOptions options) {
        String key = pack.root().toAbsolutePath() + "#" + v + "#" + options.key();
        if (!key.equals(loadedKey)) {
            if (loaded != null) {
                loaded.close();
                // Otherwise the closed models' memory stays with the process and the new ones come on top of it
                // (NativeHeap: 6.5 GB after INT8 models were replaced by fp32 ones).
                org.aceforge.engine.runtime.os.NativeHeap.collectAndTrim();
            }
            loaded = null;
            loadedKey = null;
            loaded = new ModelSet(pack, v, cache, options);
            loadedKey = key;
        }
        return loaded;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        synchronized (this) {
            boolean closed = loaded != null || lm != null;
            if (loaded != null) loaded.close();
            loaded = null;
            if (lm != null) lm.close();
            lm = null;
            // On a thread of its own: close() may be called from a host's or the UI's thread, which must not wait
            // for a collection.
            if (closed) org.aceforge.engine.runtime.os.NativeHeap.collectAndTrimInBackground();
        }
    }
}
