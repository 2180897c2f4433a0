package org.aceforge.engine.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.jobs.LmRequest;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code aceforge render}: one render request from the command line, with a progress bar and clean Ctrl-C. */
@Command(name = "render", description = "Render music (text2music) or edit source audio (repaint, cover, extract, lego, complete) to an audio file plus a JSON sidecar.", sortOptions = false)
public final class RenderCommand implements Callable<Integer> {
    @Option(names = "--task", defaultValue = "text2music", description = "text2music (region tasks come with source audio)")
    String task;
    @Option(names = "--caption", description = "What the music should sound like (required except for extract).")
    String caption;
    @Option(names = "--lyrics", description = "Lyrics with [Verse]/[Chorus] tags.")
    String lyrics;
    @Option(names = "--lyrics-file", description = "Read lyrics from a UTF-8 file.")
    Path lyricsFile;
    @Option(names = "--instrumental", description = "No vocals.")
    boolean instrumental;
    @Option(names = "--language", description = "Vocal language code (en, zh, ja, …; unknown = auto).")
    String language;
    @Option(names = "--bpm", description = "Tempo, 30–300.")
    Integer bpm;
    @Option(names = "--key", description = "Key, e.g. \"C major\", \"F# minor\".")
    String key;
    @Option(names = "--timesig", description = "Beats per bar: 2, 3, 4 or 6.")
    String timesig;
    @Option(names = "--duration", description = "Seconds, 10–600, or -1 for auto (required for text2music; region tasks take the source's length).")
    double duration = Double.NaN;
    @Option(names = "--batch", defaultValue = "1", description = "Variants to render, 1–8.")
    int batch;
    @Option(names = "--seed", split = ",", description = "Seed per variant (comma list); -1 = random.")
    List<Long> seeds = new ArrayList<>();
    @Option(names = "--steps", description = "Diffusion steps (base/SFT; turbo uses its 8-step table).")
    Integer steps;
    @Option(names = "--shift", description = "Timestep shift 1.0–5.0 (turbo: snapped to 1, 2 or 3; default 3).")
    Double shift;
    @Option(names = "--method", description = "ode (default) or sde.")
    String method;
    @Option(names = "--timesteps", description = "Custom schedule, comma list of t values in (0, 1] (turbo: snapped).")
    String timesteps;
    @Option(names = "--noise", paramLabel = "FILE.npy", description = "Initial noise [B, T, C] instead of the seeded one (as --dump writes noise.npy), to compare with other implementations.")
    Path noise;
    @Option(names = "--guidance", description = "CFG scale for base/SFT (default 7.0).")
    Double guidance;
    @Option(names = "--adg", description = "Angle-based dynamic guidance instead of APG (base/SFT).")
    boolean adg;
    @Option(names = "--cfg-interval", description = "A,B: apply CFG only while A <= t <= B (base/SFT).")
    String cfgInterval;
    @Option(names = "--model", description = "Checkpoints folder (default: $ACEFORGE_MODELS, ~/.aceforge/models, else the demo pack).")
    Path model;
    @Option(names = "--variant", description = "DiT variant: turbo (default), sft, base, turbo-shift1, turbo-shift3 or turbo-continuous.")
    String variant;
    @Option(names = "--out", required = true, description = "Output file: .wav, .flac or .mp3.")
    Path out;
    @Option(names = "--int8", description = "Run the DiT and the LM on int8 weights (faster on CPU; slightly different audio).")
    boolean int8;
    @Option(names = "--lora", description = "A PEFT LoRA adapter folder for the DiT (adapter_config.json + adapter_model.safetensors).")
    Path lora;
    @Option(names = "--lora-scale", defaultValue = "1.0", description = "Strength of the LoRA, 0–4 (1 = as trained).")
    double loraScale;
    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "Where the networks run (default auto: CUDA when the GPU build finds a device, else CPU).")
    String device;
    @Option(names = "--offload", description = "Free each model's memory as soon as its stage is done (lower peak memory, slower next render).")
    boolean offload;
    @Option(names = "--dump", description = "Write intermediate tensors (.npy) to this folder.")
    Path dump;
    @Option(names = "--src", description = "Source audio for repaint, cover, extract, lego, complete (WAV, AIFF, FLAC, MP3, Opus, Vorbis).")
    Path src;
    @Option(names = "--start", description = "Region start in seconds (negative extends the audio before it).")
    Double start;
    @Option(names = "--end", description = "Region end in seconds (-1 = end of the file; past the end extends it).")
    Double end;
    @Option(names = "--range", description = "S:E region (repeat for several).")
    List<String> rangeTexts = new ArrayList<>();
    @Option(names = "--track", description = "Track for extract and lego: vocals, backing_vocals, drums, bass, guitar, keyboard, percussion, strings, synth, fx, brass, woodwinds.")
    String track;
    @Option(names = "--tracks", split = ",", description = "Tracks for complete, comma-separated.")
    List<String> tracks = new ArrayList<>();
    @Option(names = "--strength", description = "Cover: fraction of steps guided by the source (0–1, default 1). Repaint balanced: 0–1 (default 0.5).")
    Double strength;
    @Option(names = "--noise-strength", description = "Cover: start from the source re-noised (0 = pure noise, default).")
    Double noiseStrength;
    @Option(names = "--ref", description = "Reference audio for style and timbre.")
    Path ref;
    @Option(names = "--repaint-mode", description = "conservative (source kept outside the range, strongest pull to it), balanced (default; the pull shrinks as --strength grows) or aggressive (no pull, no splice: the whole file changes).")
    String repaintMode;
    @Option(names = "--region-only", description = "Write only the region (plus --handles) instead of the whole file.")
    boolean regionOnly;
    @Option(names = "--handles", defaultValue = "0", description = "Seconds of context kept on each side with --region-only.")
    double handles;
    @Option(names = "--think", description = "The 5 Hz LM plans the music: metadata left empty, then audio codes the DiT follows.")
    boolean think;
    @Option(names = "--cot", description = "The 5 Hz LM fills only the metadata left empty (bpm, key, time signature, duration, language, caption rewrite); no codes.")
    boolean cot;
    @Option(names = "--describe", description = "Simple mode: a description the 5 Hz LM turns into caption, lyrics and metadata (then renders with --think).")
    String describe;
    @Option(names = "--format", description = "The 5 Hz LM first rewrites your caption and lyrics into a detailed description (and fills metadata).")
    boolean format;
    @Option(names = "--codes", description = "5 Hz audio codes for the DiT to follow: <|audio_code_N|>… or numbers, or @FILE (see `aceforge codes`).")
    String codes;
    @Option(names = "--code-strength", defaultValue = "1.0", description = "Fraction of the diffusion steps that follow the codes, 0–1 (LM code strength).")
    double codeStrength;
    @Option(names = "--score", description = "Auto score: the 5 Hz LM rates each result (caption, lyrics and metadata fit, 0–1) in its sidecar.")
    boolean score;
    @Option(names = "--lrc", description = "Auto-LRC: time each lyric line from the DiT's cross-attention; writes NAME.lrc beside the audio.")
    boolean lrc;
    @Option(names = "--lm-debug", description = "Constrained-decoding debug: the sidecar's lm.trace lists what each constrained step allowed and chose.")
    boolean lmDebug;
    @Option(names = "--lm", description = "5 Hz LM size or folder: 0.6B, 1.7B, 4B (default: 1.7B if installed, else the smallest).")
    String lmModel;
    @Option(names = "--lm-temperature", defaultValue = "0.85", description = "LM sampling temperature, 0–2 (0 = greedy).")
    double lmTemperature;
    @Option(names = "--lm-cfg", defaultValue = "2.0", description = "LM guidance scale for the codes, 1–10 (1 = off).")
    double lmCfg;
    @Option(names = "--lm-top-k", defaultValue = "0", description = "LM top-k, 0 = off.")
    int lmTopK;
    @Option(names = "--lm-top-p", defaultValue = "0.9", description = "LM nucleus top-p, (0, 1]; 1 = off.")
    double lmTopP;
    @Option(names = "--lm-negative", defaultValue = "NO USER INPUT", description = "LM negative caption for guidance.")
    String lmNegative;
    @Option(names = "--no-cot-metas", description = "Do not let the LM write bpm, key, time signature and duration.")
    boolean noCotMetas;
    @Option(names = "--no-cot-caption", description = "Keep your caption for the DiT (no CaptionRewrite).")
    boolean noCotCaption;
    @Option(names = "--no-cot-language", description = "Do not let the LM choose the vocal language.")
    boolean noCotLanguage;
    @Option(names = "--lm-chunk", defaultValue = "8", description = "Variants whose codes are decoded together (1 = one at a time, less memory).")
    int lmChunk;

    @Override
    public Integer call() throws Exception {
        if (lyrics != null && lyricsFile != null) throw new BadRequestException("give either --lyrics or --lyrics-file, not both");
        String lyricText = lyrics;
        if (lyricsFile != null) {
            try {
                lyricText = Files.readString(lyricsFile, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new BadRequestException("--lyrics-file " + lyricsFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        boolean usesLm = think || cot || describe != null || format;
        if (Double.isNaN(duration)) {
            if (usesLm || codes != null) duration = -1;   // the LM or the codes decide
            else if (task.equals("text2music")) throw new BadRequestException("--duration is required for text2music: 10 to 600 seconds, or -1 for auto");
            duration = -1;
        }
        if (device != null) {
            if (!java.util.Set.of("auto", "cpu", "cuda").contains(device))
                throw new BadRequestException("--device " + device + " is unknown: use auto, cpu or cuda");
            System.setProperty("aceforge.device", device);
        }
        RenderRequest.Builder b = RenderRequest.builder().task(task).caption(caption).lyrics(lyricText)
                .instrumental(instrumental).language(language).bpm(bpm).key(key).timeSignature(timesig)
                .duration(duration).batch(batch).seeds(seeds).steps(steps).shift(shift).method(method)
                .guidance(guidance).adg(adg).modelDir(model).variant(variant).output(out).int8(int8).lora(lora, loraScale);
        if (timesteps != null) b.timesteps(parseList("--timesteps", timesteps));
        b.initialNoise(noise);
        b.source(src).track(track).tracks(tracks).strength(strength).noiseStrength(noiseStrength).reference(ref)
                .repaintMode(repaintMode).regionOnly(regionOnly).handles(handles);
        if (usesLm)
            b.lm(new LmRequest(think || describe != null, lmModel, new LmOptions(lmTemperature, lmCfg, lmTopK, lmTopP, lmNegative,
                    !noCotMetas, !noCotCaption, !noCotLanguage), describe, lmChunk, format, lmDebug));
        else if (lmModel != null && score)   // the named LM scores; it plans nothing
            b.lm(new LmRequest(false, lmModel, new LmOptions(lmTemperature, lmCfg, lmTopK, lmTopP, lmNegative, false, false, false),
                    null, lmChunk, false, false));
        else if (lmModel != null) throw new BadRequestException("--lm needs --think, --cot, --describe, --format or --score");
        if (codes != null) b.codes(CodesCommand.read("--codes", codes));
        b.codeStrength(codeStrength).score(score).lrc(lrc);
        if (start != null || end != null) {
            if (!rangeTexts.isEmpty()) throw new BadRequestException("give either --start/--end or --range, not both");
            b.range(start == null ? 0 : start, end == null ? -1 : end);
        }
        for (String t : rangeTexts) {
            String[] p = t.split(":");
            if (p.length != 2) throw new BadRequestException("--range " + t + " must look like S:E (seconds)");
            try {
                b.range(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
            } catch (NumberFormatException e) {
                throw new BadRequestException("--range " + t + " must look like S:E (seconds)");
            }
        }
        if (cfgInterval != null) {
            double[] ab = parseList("--cfg-interval", cfgInterval);
            if (ab.length != 2) throw new BadRequestException("--cfg-interval needs two values A,B");
            b.cfgInterval(ab[0], ab[1]);
        }
        RenderRequest request = b.build();
        if (model != null && !Files.isDirectory(model)) throw new BadRequestException("--model " + model + " is not a folder");

        boolean tty = System.console() != null;
        try (RenderService service = new RenderService(1, GraphCache.defaultCache()).offload(offload);
             ProgressBar bar = tty ? new ProgressBarBuilder().setTaskName("render").setInitialMax(1000)
                     .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build() : null) {
            RenderJob job = service.submit(request, p -> {
                if (bar != null) {
                    bar.stepTo(Math.round(p.overall() * 1000));
                    bar.setExtraMessage(p.message());
                }
            }, dump);
            Thread hook = new Thread(() -> {
                job.cancel();
                try {
                    job.result().get(60, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // The worker has stopped (or gave up); nothing partial was written.
                }
            }, "aceforge-ctrl-c");
            Runtime.getRuntime().addShutdownHook(hook);
            RenderResult result;
            try {
                result = job.result().get();
            } catch (ExecutionException e) {
                throw unwrapToException(e);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
            if (bar != null) bar.stepTo(1000);
            if (bar != null) bar.close();
            for (RenderResult.Item it : result.items())
                System.out.println(it.audio() + "  seed " + it.seed() + "  " + it.durationSeconds() + " s  (" + it.sidecar().getFileName() + ")");
            System.out.printf("rendered %d file(s) in %.1f s%n", result.items().size(), result.seconds());
            for (String note : job.notes()) System.err.println("aceforge: " + note);   // what the memory tier changed
            if (result.demoModels())
                System.err.println("note: rendered with the demo pack (tiny random weights): the audio is noise-like by design. "
                        + "Install the real ACE-Step 1.5 checkpoints and pass --model DIR (see docs/models.md).");
            return Main.OK;
        }
    }

    static Exception unwrapToException(ExecutionException e) {
        Throwable c = Main.unwrap(e);
        return c instanceof Exception ex ? ex : new RuntimeException(c);
    }

    static double[] parseList(String option, String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new BadRequestException(option + " '" + text + "' is not a comma-separated list of numbers");
        }
    }
}
