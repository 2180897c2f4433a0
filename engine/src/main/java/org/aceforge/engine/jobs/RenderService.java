package org.aceforge.engine.jobs;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioFileWriter;
import org.aceforge.engine.audio.OutputFormat;
import org.aceforge.engine.lm.CausalLm;
import org.aceforge.engine.lm.LmPlanner;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.RegionEdit;
import org.aceforge.engine.pipeline.RenderStages;
import org.aceforge.engine.pipeline.Task;
import org.aceforge.engine.pipeline.Text2Music;
import org.aceforge.engine.pipeline.VaeModel;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.sampling.StepListener;
import org.aceforge.engine.tensors.TensorDump;
import org.aceforge.engine.text.Prompts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs renders on worker threads: a queue, progress (stage, fraction, message), cooperative cancel between sampler
 * steps, and results written atomically (audio + JSON sidecar per batch item). Used by the CLI, and later by the UI
 * and the plugin. Loaded models stay open between jobs for the same folder and variant.
 */
public final class RenderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);
    private final ExecutorService workers;
    private final GraphCache cache;
    private final LatentCache latents;
    private ModelSet loaded;
    private String loadedKey;
    private CausalLm lm;
    private volatile boolean offload;
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

    /** The models a render left loaded (tests). */
    public synchronized int openSessions() {
        return (loaded == null ? 0 : loaded.openSessions()) + (lm != null && lm.sessionOpen() ? 1 : 0);
    }

    /** Any thread. Validation errors throw here, before anything is queued. */
    public RenderJob submit(RenderRequest request, ProgressListener listener, Path dumpDir) {
        request.validate();
        checkWritable(request);
        Task task = request.task();
        String variant = request.variant() == null ? "turbo" : request.variant();
        if (task.needsBase() && !variant.equals("base"))
            throw new BadRequestException(RequestField.TASK, request.task() + " needs the base model: choose {VARIANT} base (turbo and sft cannot " + request.task() + ")");
        if (request.modelDir() != null) {
            ModelPack pack = new ModelPack(request.modelDir());
            pack.validate(ModelPack.Variant.parse(request.variant() == null ? "turbo" : request.variant()));
            if (request.lm() != null || request.score()) pack.lm(request.lm() == null ? null : request.lm().model());
        }
        org.aceforge.engine.model.LoraAdapter lora = null;
        if (request.lora() != null) {
            try {
                lora = org.aceforge.engine.model.LoraAdapter.read(request.lora());   // the one read of the adapter
            } catch (ModelFolderException e) {
                throw new BadRequestException(RequestField.LORA, e.getMessage().replaceFirst("^LoRA ", ""));
            }
        }
        RenderJob job = new RenderJob(request, new org.aceforge.engine.pipeline.DitOptions(request.int8(), lora, request.loraScale()));
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
                ModelSet m = models(pack, ModelPack.Variant.parse(variant == null ? "turbo" : variant), org.aceforge.engine.pipeline.DitOptions.DEFAULT);
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
        OutputFormat.of(r.output());
        Path dir = r.output().toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".aceforge-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new BadRequestException(RequestField.OUTPUT, r.output() + " is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private RenderResult run(RenderJob job, ProgressListener progress, Path dumpDir, long t0) throws Exception {
        RenderRequest r = job.request();
        CancelToken cancel = job.token();
        progress.onProgress(new Progress(Progress.Stage.LOADING, 0, "opening models"));
        ModelPack pack = r.modelDir() != null ? new ModelPack(r.modelDir()) : ModelLocator.defaultPack();
        ModelPack.Variant variant = ModelPack.Variant.parse(r.variant() == null ? "turbo" : r.variant());
        ModelSet models = models(pack, variant, job.ditOptions());
        cancel.check();
        LmStage.Outcome planned = null;
        if (r.lm() != null) {
            long[] seeds = seeds(r.seeds(), r.batch());
            progress.onProgress(new Progress(Progress.Stage.LOADING, 0.5, "opening the 5 Hz LM"));
            LmPlanner planner = planner(pack, r.lm().model(), r.int8());
            planned = LmStage.run(r.withSeeds(seeds), seeds, planner, progress, cancel);
            r = planned.planned();
            if (offload && !r.score()) lm.releaseSessions();
        }
        if (r.codes() != null && planned == null)   // the codes fix the length (and the caption prompt's duration)
            r = r.withPlanned(r.caption(), r.lyrics(), r.bpm(), r.key(), r.timeSignature(), r.codes().length / 5.0, r.language());
        Text2Music.Plan plan = plan(r, models);
        if (planned != null && planned.codes() != null) plan = plan.withCodes(planned.codes(), r.codeStrength());
        else if (r.codes() != null) plan = plan.withCodes(repeat(r.codes(), r.batch()), r.codeStrength());
        Task task = r.task();
        if (task.needsBase() && models.dit().isTurbo())
            throw new BadRequestException(RequestField.TASK, r.task() + " needs a base checkpoint; " + models.dit().folder().getFileName() + " is a turbo model");
        RegionEdit.Plan edit = r.hasSource() ? regionPlan(r, plan, task) : null;
        LOG.info("render: {} {} s, {} frames, seeds {}, sampler {}", r.task(), plan.durationSeconds(), plan.frames(),
                java.util.Arrays.toString(plan.seeds()), plan.sampler().turbo() ? "turbo" : "base");
        progress.onProgress(new Progress(Progress.Stage.ENCODING, 0, r.hasSource() ? "encoding the source" : "encoding caption and lyrics"));
        TensorDump dump = dumpDir == null ? null : new TensorDump(dumpDir);
        RenderStages stages = new RenderStages() {
            public void encoding(double f) {
                cancel.check();
                progress.onProgress(new Progress(Progress.Stage.ENCODING, f, "encoding caption and lyrics"));
            }

            public StepListener diffusion() {
                return (step, total, x) -> {
                    progress.onProgress(new Progress(Progress.Stage.DIFFUSION, (double) step / total, "diffusion step " + step + "/" + total));
                    cancel.check();
                };
            }

            public VaeModel.ProgressSink decoding(int item, int items) {
                if (offload && item == 0) {   // diffusion is over: only the VAE is needed now
                    models.dit().releaseSessions();
                    models.text().releaseSessions();
                }
                return (f, msg) -> {
                    cancel.check();
                    progress.onProgress(new Progress(Progress.Stage.DECODING, (item + f) / items, "decoding variant " + (item + 1) + "/" + items));
                };
            }
        };
        RegionEdit.Result edited = edit != null ? RegionEdit.run(models, edit, stages, dump, latents) : null;
        Text2Music.Rendered rendered = edited != null ? null : Text2Music.render(models, plan, stages, dump, latents);
        List<float[]> audio = edited != null ? edited.audio() : rendered.audio();
        List<List<org.aceforge.engine.pipeline.LyricTimestamps.Line>> lrc = null;
        if (r.lrc() && rendered != null) {
            lrc = new ArrayList<>();
            String lyrics = r.instrumental() || r.lyrics() == null ? "" : r.lyrics();
            for (int i = 0; i < audio.size(); i++) {
                cancel.check();
                progress.onProgress(new Progress(Progress.Stage.DECODING, 1, "timing the lyrics of variant " + (i + 1)));
                var cond = new org.aceforge.engine.sampling.Condition(rendered.condition().encoderStates().item(i),
                        rendered.condition().contextLatents().item(i));
                lrc.add(lyrics.isBlank() ? List.of() : org.aceforge.engine.pipeline.LyricTimestamps.compute(models, rendered.latents().item(i),
                        cond, plan.sampler().turbo() ? plan.sampler().schedule().length : plan.sampler().steps(), plan.lyricPrompt(), lyrics,
                        plan.durationSeconds()));
            }
        }
        cancel.check();
        List<org.aceforge.engine.lm.LmScorer.Score> scores = r.score() ? score(r, pack, models, planned, audio, progress, cancel) : null;
        if (offload) {
            models.releaseSessions();
            if (lm != null) lm.releaseSessions();
        }
        progress.onProgress(new Progress(Progress.Stage.WRITING, 0, "writing files"));
        List<RenderResult.Item> items = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        try {
            for (int i = 0; i < audio.size(); i++) {
                Path a = r.audioPath(i + 1), s = r.sidecarPath(i + 1);
                AudioFileWriter.write(a, audio.get(i), 2, 48000);
                written.add(a);
                var node = Sidecar.build(r, plan, i, pack.root().toString(), models.dit().folder().getFileName().toString(),
                        pack.isDemo(), a.getFileName().toString());
                if (edited != null) Sidecar.addEdit(node, edited);
                if (planned != null) Sidecar.addLm(node, job.request(), planned, i, lm.folder().toString());
                if (scores != null) Sidecar.addScore(node, scores.get(i));
                if (lrc != null) {
                    Path l = r.lrcPath(i + 1);
                    Sidecar.writeText(l, org.aceforge.engine.pipeline.LyricTimestamps.lrc(lrc.get(i)));
                    written.add(l);
                    Sidecar.addLrc(node, l, lrc.get(i));
                }
                Sidecar.write(s, node);
                written.add(s);
                items.add(new RenderResult.Item(a, s, plan.seeds()[i], Math.round(audio.get(i).length / 2.0 / 48000 * 1000) / 1000.0));
                progress.onProgress(new Progress(Progress.Stage.WRITING, (i + 1.0) / audio.size(), "wrote " + a.getFileName()));
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : written) Files.deleteIfExists(p);
            throw e;
        }
        progress.onProgress(new Progress(Progress.Stage.DONE, 1, "done"));
        return new RenderResult(items, pack.isDemo(), (System.nanoTime() - t0) / 1e9);
    }

    /** Auto score: each result's codes (the LM's, the given ones, or its own audio's) scored by the LM (spec §4.8). */
    private List<org.aceforge.engine.lm.LmScorer.Score> score(RenderRequest r, ModelPack pack, ModelSet models, LmStage.Outcome planned,
                                                              List<float[]> audio, ProgressListener progress, CancelToken cancel) throws Exception {
        org.aceforge.engine.lm.LmScorer scorer = new org.aceforge.engine.lm.LmScorer(
                planner(pack, r.lm() == null ? null : r.lm().model(), r.int8()).model());
        List<org.aceforge.engine.lm.LmScorer.Score> out = new ArrayList<>();
        for (int i = 0; i < audio.size(); i++) {
            cancel.check();
            progress.onProgress(new Progress(Progress.Stage.WRITING, 0, "scoring variant " + (i + 1) + "/" + audio.size()));
            long[] codes = planned != null && planned.codes() != null ? planned.codes()[i] : r.codes() != null && !r.hasSource() ? r.codes()
                    : org.aceforge.engine.pipeline.SourceCodes.fromSamples(models, audio.get(i), latents, null);
            org.aceforge.engine.lm.CotMetadata meta = new org.aceforge.engine.lm.CotMetadata(r.bpm(), null,
                    (int) Math.round(audio.get(i).length / 2.0 / 48000), org.aceforge.engine.lm.Keys.canonical(r.key()),
                    r.language() == null || r.language().equals("unknown") ? null : r.language(),
                    r.timeSignature() == null ? null : Integer.valueOf(r.timeSignature()));
            out.add(scorer.score(codes, r.caption(), r.instrumental() ? null : r.lyrics(), meta));
        }
        return out;
    }

    /** The LM stays open between renders for the same folder (its session and tokenizer take seconds to open). */
    private synchronized LmPlanner planner(ModelPack pack, String name, boolean int8) {
        java.nio.file.Path folder = pack.lm(name).toAbsolutePath();
        String key = folder + (int8 ? "#int8" : "");
        if (!key.equals(lmFolder)) {
            if (lm != null) lm.close();
            lm = null;
            lmFolder = null;
            lm = new CausalLm(folder, cache, int8);
            lmFolder = key;
            lmPlanner = new LmPlanner(lm, RenderRequest.LANGUAGES, (int) RenderRequest.MAX_DURATION);
        }
        return lmPlanner;
    }

    private synchronized ModelSet models(ModelPack pack, ModelPack.Variant v, org.aceforge.engine.pipeline.DitOptions options) {
        String key = pack.root().toAbsolutePath() + "#" + v + "#" + options.key();
        if (!key.equals(loadedKey)) {
            if (loaded != null) loaded.close();
            loaded = null;
            loadedKey = null;
            loaded = new ModelSet(pack, v, cache, options);
            loadedKey = key;
        }
        return loaded;
    }

    /** The region-edit plan of a request: the task's defaults on top of the resolved sampler and seeds. */
    static RegionEdit.Plan regionPlan(RenderRequest r, Text2Music.Plan p, Task task) throws java.io.IOException {
        double strength = Defaults.strength(task, r.strength());
        SamplerSettings s = p.sampler();
        double noise = r.noiseStrength() == null ? Defaults.NOISE_STRENGTH : r.noiseStrength();
        if (task == Task.COVER) s = s.withCover(strength, noise);
        RegionEdit.RepaintMode mode = RegionEdit.RepaintMode.of(r.repaintMode() == null ? Defaults.REPAINT_MODE : r.repaintMode(), strength);
        // The source is decoded here, once: the pipeline gets audio, not a file.
        AudioClip source = org.aceforge.engine.audio.AudioDecoder.decode(r.source()).toEngineFormat();
        return new RegionEdit.Plan(task, source, r.source().toString(), r.reference(), r.ranges(), r.track(), r.tracks(),
                r.caption() == null ? "" : r.caption(), p.lyricPrompt(), p.seeds(), s, mode, strength,
                noise, r.regionOnly(), r.handles(), r.bpm(),
                r.timeSignature(), normalizeKey(r.key()));
    }

    /** Resolves defaults, the duration and the seeds of a request against the loaded model. */
    static Text2Music.Plan plan(RenderRequest r, ModelSet m) {
        long[] seeds = seeds(r.seeds(), r.batch());
        // Region edits take their length (and their caption prompt) from the source in RegionEdit; the plan's
        // duration only serves text2music.
        double duration = r.hasSource() ? Defaults.EDIT_PLAN_DURATION : r.duration() == -1 ? autoDuration(seeds[0]) : r.duration();
        int frames = Math.max(Text2Music.frames(duration, 48000, m.vae().hop()), 1);
        boolean turbo = m.dit().isTurbo();
        if (!turbo && m.dit().nullEmbedding() == null)
            throw new ModelFolderException(m.dit().folder() + ": base/SFT checkpoint without null_condition_emb");
        SamplerSettings s;
        if (turbo) {
            if (r.steps() != null && r.steps() != 8 && r.timesteps() == null)
                LOG.warn("turbo uses its fixed 8-step table; --steps {} is ignored (use --timesteps for another schedule)", r.steps());
            s = SamplerSettings.turbo(r.shift() == null ? Defaults.SHIFT : r.shift());
            if (r.timesteps() != null) s = s.withTimesteps(r.timesteps());
        } else {
            double guidance = r.guidance() == null ? Defaults.GUIDANCE : r.guidance();
            s = SamplerSettings.base(r.steps() == null ? Defaults.BASE_STEPS : r.steps(), r.shift() == null ? Defaults.SHIFT : r.shift(),
                    guidance).withCfg(guidance, r.adg(), r.cfgStart(), r.cfgEnd());
        }
        s = s.withSde("sde".equals(r.method()));
        if (turbo) s.schedule(); // validates custom timesteps early
        String caption = Text2Music.captionPrompt(r.caption(), r.bpm(), r.timeSignature(), normalizeKey(r.key()), duration);
        String lyrics = Prompts.lyrics(r.language() == null ? Defaults.LANGUAGE : r.language(), r.lyrics(), r.instrumental());
        return new Text2Music.Plan(caption, lyrics, duration, frames, seeds, s, r.reference());
    }

    private static long[][] repeat(long[] codes, int n) {
        long[][] out = new long[n][];
        java.util.Arrays.fill(out, codes);
        return out;
    }

    /** The reference's duration when none is given: uniform 10–120 s (here drawn from the first seed), 0.1 s steps. */
    static double autoDuration(long seed) {
        return Math.round((10 + new Random(seed).nextDouble() * 110) * 10) / 10.0;
    }

    static String normalizeKey(String key) {
        return key == null ? null : key.strip();
    }

    /** One seed per item: given ones in order, −1 drawn at random, missing ones continue from the previous + 1. */
    static long[] seeds(List<Long> given, int batch) {
        long[] out = new long[batch];
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < batch; i++) {
            long s;
            if (i < given.size()) s = given.get(i);
            else if (i > 0 && out[i - 1] >= 0 && !given.isEmpty() && given.get(given.size() - 1) != -1) s = (out[i - 1] + 1) & 0xFFFFFFFFL;
            else s = -1;
            out[i] = s == -1 ? rnd.nextLong() & 0xFFFFFFFFL : s;
        }
        return out;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        synchronized (this) {
            if (loaded != null) loaded.close();
            loaded = null;
            if (lm != null) lm.close();
            lm = null;
        }
    }
}
