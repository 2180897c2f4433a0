package org.aceforge.ui.studio;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.audio.Seconds;
import org.aceforge.engine.jobs.CancelledException;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.lm.AudioCodes;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.lm.LmPlanner;
import org.aceforge.engine.tasks.TaskKind;
import org.aceforge.engine.timeline.Region;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The studio's control, without Swing: the source, the render queue, what a render click does (the request
 * completed from the settings, submitted, followed), the LM helpers (convert to codes, transcribe, format). The
 * window turns clicks into calls and shows what the {@link StudioView} is told. Calls come on the UI thread; work
 * runs on the render service's workers or a loader thread; the view hears back on {@code ui}.
 */
public final class StudioController {
    private final StudioSettings settings;
    private final RenderService renders;
    private final Path renderFolder;
    private final Executor ui;
    private final StudioView view;
    private final List<RenderJob> jobs = new ArrayList<>();
    /** The server renders go to while Settings say so (made when first needed, remade when the address changes). */
    private org.aceforge.client.RemoteRenderer remote;
    private Path source;
    private AudioClip sourceAudio;
    /** The file loaded before any comp (comps write a working copy beside the renders). */
    private Path original;

    StudioController(StudioSettings settings, RenderService renders, Path renderFolder, Executor ui, StudioView view) {
        this.settings = settings;
        this.renders = renders;
        this.renderFolder = renderFolder;
        this.ui = ui;
        this.view = view;
    }

    /** UI thread. The loaded source file, or null. */
    public Path source() { return source; }

    /** UI thread. The loaded source in engine format (48 kHz stereo), or null. */
    public AudioClip sourceAudio() { return sourceAudio; }

    /** UI thread. Renders submitted and not yet reported finished. */
    public List<RenderJob> jobs() { return List.copyOf(jobs); }

    /** UI thread. Decodes a source file on a loader thread; the view hears {@code sourceLoaded} or an error. */
    public void loadSource(Path file) {
        view.clearError();
        view.stage(String.format(I18n.t("source.loading"), file.getFileName()));
        Thread t = new Thread(() -> {
            try {
                AudioClip clip = AudioDecoder.decode(file).toEngineFormat();
                PeakCache peaks = new PeakCache(clip.interleaved(), clip.sampleRate());
                // The tempo for the grid when the form has none (a second of analysis on this loader thread).
                org.aceforge.engine.audio.MusicAnalysis.Estimate est =
                        org.aceforge.engine.audio.MusicAnalysis.estimate(clip.interleaved(), clip.sampleRate());
                ui.execute(() -> view.tempoEstimated(est.bpm(), est.timeSignature()));
                ui.execute(() -> {
                    source = file;
                    original = null;
                    sourceAudio = clip;
                    settings.lastFolder = file.toAbsolutePath().getParent().toString();
                    view.sourceLoaded(file, clip, peaks);
                });
            } catch (IOException e) {
                ui.execute(() -> { view.error(e.getMessage(), null); view.stage(" "); });
            }
        }, "aceforge-load");
        t.setDaemon(true);
        t.start();
    }

    /**
     * UI thread. After a comp (or its undo) the working audio is the source of later renders and of Play: it is
     * written next to the renders as "NAME comp.wav" (16-bit is enough for a source the VAE re-encodes) and used
     * from then on. The first source file is never overwritten.
     */
    public void useWorkingAudio(float[] working, int rate) {
        if (source == null) return;
        if (original == null) original = source;
        String stem = original.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path file = renderFolder.resolve(stem + " comp.wav");
        try {
            java.nio.file.Files.createDirectories(renderFolder);
            org.aceforge.engine.audio.AudioFileWriter.write(file, working, 2, rate);
            source = file;
            sourceAudio = new AudioClip(working.clone(), 2, rate);
        } catch (IOException e) {
            view.error(e.getMessage(), null);
        }
    }

    /** Sample frames [from, to) of the source that the first region covers (the whole source without regions). */
    public int[] sourceRange(List<Region> regions) {
        if (sourceAudio == null) return null;
        int n = sourceAudio.frames();
        if (regions.isEmpty()) return new int[]{0, n};
        int from = Math.max(0, Math.min(n, Seconds.toFrames(regions.get(0).start(), sourceAudio.sampleRate())));
        return new int[]{from, Math.max(from, Math.min(n, Seconds.toFrames(regions.get(0).end(), sourceAudio.sampleRate())))};
    }

    /** The source audio under the first region (interleaved), or null without a source. */
    public float[] sourceRegionAudio(List<Region> regions) {
        int[] r = sourceRange(regions);
        return r == null ? null : java.util.Arrays.copyOfRange(sourceAudio.interleaved(), 2 * r[0], 2 * r[1]);
    }

    /**
     * UI thread. Renders a mode's request (the form's values in {@code form}); a render while another runs is queued.
     * Returns the job, or null when the request was refused (the view was told why, in the studio's words).
     *
     * @param fields     the form's values, kept with the result so "use these settings" can restore them
     * @param lm         whether an LM is installed and allowed (one look at the model folder per render)
     * @param description Simple mode's description (null in other modes)
     */
    public RenderJob startRender(Mode mode, RenderRequest.Builder form, Map<String, String> fields, boolean lm, String description,
                                 String audioFormat) {
        view.clearError();
        String why = mode.unavailableReason(settings.variant, lm);
        if (why != null) { view.error(why, null); return null; }
        if (mode.needsSource() && source == null) { view.error(I18n.t("error.needsSource"), null); return null; }
        try {
            boolean text2music = mode.task == TaskKind.TEXT2MUSIC;
            RenderRequest draft = form
                    .lm(text2music ? settings.lmRequest(lm, mode == Mode.SIMPLE ? description : null) : null)
                    .int8(settings.int8)
                    .score(settings.autoScore && lm)
                    .lrc(settings.autoLrc && text2music)
                    .lora(settings.useLora && !settings.lora.isBlank() ? Path.of(settings.lora) : null, settings.loraScale)
                    .output(renderFolder.resolve("render." + audioFormat)).seedNames(true).build();
            // Names that say what each file is: "song48 repaint 4.0-8.0 s v2 seed 1234.wav" (RenderNames + the engine).
            RenderRequest request = draft.withOutput(renderFolder.resolve(RenderNames.stem(draft, mode) + "." + audioFormat));
            RenderJob job = backend().submit(request, p -> ui.execute(() -> view.progress(p)));
            jobs.add(job);
            job.result().whenComplete((r, err) -> ui.execute(() -> {
                jobs.remove(job);
                view.queue(running());
                Throwable c = err == null ? null : err.getCause() != null ? err.getCause() : err;
                view.finished(c == null ? new ResultsPanel.Batch(r, request, fields, mode) : null, c);
            }));
            view.queue(running());
            return job;
        } catch (IllegalArgumentException e) {
            view.error(StudioFieldNames.message(e), StudioFieldNames.fieldKey(e));
            return null;
        }
    }

    /**
     * UI thread. Where the next render runs: this computer's service, or the server chosen in Settings (the same
     * requests, progress, cancel and result files; the LM helpers below stay on this computer).
     */
    org.aceforge.engine.jobs.RenderBackend backend() {
        org.aceforge.client.ServerAddress server = settings.server();
        if (server == null) {
            renders.offload(settings.offload);
            return renders;
        }
        if (remote == null || !remote.address().equals(server)) {
            // Renders already sent keep their follower threads (daemons that end with them); the old client is let go.
            remote = new org.aceforge.client.RemoteRenderer(server);
        }
        return remote;
    }

    /** UI thread. Cancels the oldest render still running. */
    public void cancelRender() {
        for (RenderJob j : jobs) if (!j.result().isDone()) { j.cancel(); break; }
    }

    long running() {
        return jobs.stream().filter(j -> !j.result().isDone()).count();
    }

    /** Whether a failure is the user's cancel (shown as such, not as an error). */
    static boolean cancelled(Throwable t) {
        return t instanceof CancelledException;
    }

    private Path modelDir() {
        return settings.modelDir.isBlank() ? null : Path.of(settings.modelDir);
    }

    /** UI thread. "Convert to codes": the source's 5 Hz codes (on a render worker); the view gets the codes field. */
    public CompletableFuture<long[]> codesFromSource() {
        view.clearError();
        if (source == null) { view.error(I18n.t("error.needsSource"), null); return null; }
        view.stage(I18n.t("lm.converting"));
        var f = renders.toCodes(modelDir(), settings.variant, source);
        f.whenComplete((codes, err) -> ui.execute(() -> {
            if (err != null) { view.error(rootMessage(err), null); view.stage(" "); return; }
            view.fill(Map.of("codes", AudioCodes.format(codes)));
            view.stage(String.format(I18n.t("lm.codesReady"), codes.length, codes.length / 5.0));
        }));
        return f;
    }

    /** UI thread. "Transcribe": the LM describes the codes; caption, lyrics and metadata are filled. */
    public CompletableFuture<?> transcribeCodes(String codesText, boolean lm) {
        view.clearError();
        long[] codes;
        try {
            codes = AudioCodes.parse(codesText);
        } catch (IllegalArgumentException e) {
            view.error(I18n.t("field.codes") + ": " + e.getMessage(), "codes");
            return null;
        }
        return withLm(p -> p.understand(codes, lmOptions(0.3), new java.util.Random().nextInt(1 << 30), (ph, d, t) -> { }), false, lm);
    }

    /** UI thread. "Format": the LM rewrites caption and lyrics into a detailed description and fills empty metadata. */
    public CompletableFuture<?> formatCaption(LmPlanner.Given given, boolean instrumental, boolean lm) {
        view.clearError();
        return withLm(p -> p.format(given, instrumental, lmOptions(settings.lmTemperature), new java.util.Random().nextInt(1 << 30),
                (ph, d, t) -> { }), true, lm);
    }

    private LmOptions lmOptions(double temperature) {
        return new LmOptions(temperature, 1.0, settings.lmTopK, settings.lmTopP, settings.lmNegative, true, true, true);
    }

    /** Runs an LM job and fills the fields from its sample (keeping the duration unless asked). */
    private CompletableFuture<?> withLm(RenderService.LmJob<LmPlanner.Sample> job, boolean keepDuration, boolean lm) {
        if (!lm) { view.error(I18n.t("mode.needsLm"), null); return null; }
        view.stage(I18n.t("lm.working"));
        var f = renders.withLm(modelDir(), "auto".equals(settings.lm) ? null : settings.lm, settings.int8, job);
        f.whenComplete((s, err) -> ui.execute(() -> {
            if (err != null) { view.error(rootMessage(err), null); view.stage(" "); return; }
            var m = s.metadata();
            Map<String, String> v = new LinkedHashMap<>();
            if (m.caption() != null) v.put("caption", m.caption());
            v.put("lyrics", s.lyrics());
            if (m.bpm() != null) v.put("bpm", m.bpm().toString());
            if (m.keyscale() != null) v.put("key", m.keyscale());
            if (m.timesignature() != null) v.put("timesig", m.timesignature().toString());
            if (m.language() != null) v.put("language", m.language());
            if (!keepDuration && m.duration() != null) v.put("duration", m.duration().toString());
            view.fill(v);
            view.stage(I18n.t("lm.done"));
        }));
        return f;
    }

    static String rootMessage(Throwable err) {
        Throwable c = err;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
        return StudioFieldNames.message(c);
    }
}
