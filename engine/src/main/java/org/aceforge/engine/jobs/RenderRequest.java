package org.aceforge.engine.jobs;

import org.aceforge.engine.pipeline.Task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything needed to reproduce a render. Null means "the default for the model" (turbo or base/SFT); the resolved
 * values and the seeds actually used are written to each result's JSON sidecar.
 *
 * @param seeds one per batch item or fewer; −1 draws a random seed; missing items continue from the last seed + 1
 * @param lm    what the 5 Hz LM does before the DiT (null: no LM)
 * @param int8  the DiT (and the LM) run on int8 weights: faster on CPU, slightly different audio
 * @param lora  a PEFT LoRA adapter folder for the DiT (null: none), applied at {@code loraScale}
 * @param lrc   auto-LRC: each result's lyric lines timed from the DiT's cross-attention (NAME.lrc; text2music)
 * @param score each result gets the 5 Hz LM's quality score in its sidecar (auto score)
 * @param codes 5 Hz audio codes the DiT follows (text2music; null: none, or the LM's with --think), for the
 *              first {@code codeStrength} fraction of the steps
 */
public record RenderRequest(
        Task task, String caption, String lyrics, boolean instrumental, String language,
        Integer bpm, String key, String timeSignature, double duration,
        int batch, List<Long> seeds,
        Integer steps, Double shift, String method, double[] timesteps,
        Double guidance, boolean adg, double cfgStart, double cfgEnd,
        Path modelDir, String variant, Path output,
        Path source, List<double[]> ranges, String track, List<String> tracks, Double strength, Double noiseStrength,
        Path reference, String repaintMode, boolean regionOnly, double handles, LmRequest lm, boolean int8,
        Path lora, double loraScale, long[] codes, double codeStrength, boolean score, boolean lrc) {

    public static final Set<String> REPAINT_MODES = Set.of("conservative", "balanced", "aggressive");

    /** Tasks that edit a source file. */
    public boolean hasSource() {
        return task.hasSource();
    }

    public static final double MIN_DURATION = 10, MAX_DURATION = 600;
    public static final int MAX_BATCH = 8;
    public static final Set<String> LANGUAGES = Set.of("unknown", "en", "zh", "ja", "ko", "es", "fr", "de", "it",
            "pt", "ru", "ar", "hi", "bn", "id", "ms", "th", "vi", "tr", "pl", "nl", "sv", "no", "da", "fi", "cs", "sk",
            "hu", "ro", "bg", "uk", "el", "he", "fa", "ur", "ta", "te", "mr", "gu", "kn", "ml", "pa", "ne", "si", "my",
            "km", "lo", "tl", "sw", "yue", "la", "az");

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every user-facing value; throws {@link BadRequestException} naming the first bad one. */
    public RenderRequest validate() {
        if (task == null) throw new BadRequestException(RequestField.TASK, "is required");
        boolean described = lm != null && lm.describe() != null;
        if ((caption == null || caption.isBlank()) && task != Task.EXTRACT && !described) throw new BadRequestException(RequestField.CAPTION, "must not be empty");
        if (lm != null) lm.validate(task);
        RegionRules.validate(this);
        if (!hasSource() && !(duration == -1 || (duration >= MIN_DURATION && duration <= MAX_DURATION)))
            throw new BadRequestException(RequestField.DURATION, fmt(duration) + " is out of range: use 10 to 600 seconds, or -1 for auto");
        if (batch < 1 || batch > MAX_BATCH) throw new BadRequestException(RequestField.BATCH, batch + " is out of range: use 1 to 8");
        for (long s : seeds)
            if (s != -1 && (s < 0 || s > 0xFFFFFFFFL)) throw new BadRequestException(RequestField.SEED, s + " is out of range: use 0 to 4294967295, or -1 for random");
        if (seeds.size() > batch) throw new BadRequestException(RequestField.SEED, "lists " + seeds.size() + " seeds for a batch of " + batch);
        if (bpm != null && (bpm < 30 || bpm > 300)) throw new BadRequestException(RequestField.BPM, bpm + " is out of range: use 30 to 300");
        if (timeSignature != null && !Set.of("2", "3", "4", "6").contains(timeSignature))
            throw new BadRequestException(RequestField.TIME_SIGNATURE, timeSignature + " is not supported: use 2, 3, 4 or 6");
        if (key != null && org.aceforge.engine.lm.Keys.canonical(key) == null)
            throw new BadRequestException(RequestField.KEY, "'" + key + "' is not a key: use e.g. \"C major\", \"F# minor\", \"Bb major\"");
        if (language != null && !LANGUAGES.contains(language.toLowerCase(Locale.ROOT)))
            throw new BadRequestException(RequestField.LANGUAGE, language + " is not a known code (e.g. en, zh, ja, es, unknown)");
        if (steps != null && (steps < 1 || steps > 200)) throw new BadRequestException(RequestField.STEPS, steps + " is out of range: use 1 to 200");
        if (shift != null && !(shift >= 1.0 && shift <= 5.0)) throw new BadRequestException(RequestField.SHIFT, shift + " is out of range: use 1.0 to 5.0");
        if (method != null && !method.equals("ode") && !method.equals("sde")) throw new BadRequestException(RequestField.METHOD, method + " is unknown: use ode or sde");
        if (guidance != null && !(guidance >= 1.0 && guidance <= 30.0)) throw new BadRequestException(RequestField.GUIDANCE, guidance + " is out of range: use 1.0 to 30.0");
        if (!(cfgStart >= 0 && cfgEnd <= 1 && cfgStart <= cfgEnd))
            throw new BadRequestException(RequestField.CFG_INTERVAL, fmt(cfgStart) + "," + fmt(cfgEnd) + " is invalid: use A,B with 0 <= A <= B <= 1");
        if (timesteps != null) {
            if (timesteps.length == 0 || timesteps.length > 20) throw new BadRequestException(RequestField.TIMESTEPS, "needs 1 to 20 values");
            for (double t : timesteps)
                if (!(t >= 0 && t <= 1)) throw new BadRequestException(RequestField.TIMESTEPS, "value " + t + " is outside [0, 1]");
        }
        if (variant != null && !Set.of("turbo", "sft", "base").contains(variant))
            throw new BadRequestException(RequestField.VARIANT, variant + " is unknown: use turbo, sft or base");
        if (output == null) throw new BadRequestException(RequestField.OUTPUT, "is required");
        if (codes != null) {
            if (task != Task.TEXT2MUSIC) throw new BadRequestException(RequestField.CODES, "work with text2music only ({TASK} is " + task + ")");
            if (codes.length < MIN_DURATION * 5 || codes.length > MAX_DURATION * 5)
                throw new BadRequestException(RequestField.CODES, "holds " + codes.length + " codes (" + codes.length / 5.0 + " s): use 50 to 3000 (10 to 600 s at 5 per second)");
            for (long c : codes)
                if (c < 0 || c >= org.aceforge.engine.lm.LmTokenizer.AUDIO_CODES) throw new BadRequestException(RequestField.CODES, "code " + c + " is out of range 0 to 63999");
        }
        if (lrc && task != Task.TEXT2MUSIC) throw new BadRequestException(RequestField.LRC, "works with text2music only ({TASK} is " + task + ")");
        if (!(codeStrength >= 0 && codeStrength <= 1)) throw new BadRequestException(RequestField.CODE_STRENGTH, codeStrength + " is out of range: use 0 to 1");
        if (!(loraScale >= 0 && loraScale <= 4)) throw new BadRequestException(RequestField.LORA_SCALE, loraScale + " is out of range: use 0 to 4");
        return this;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The LRC file beside item i's audio. */
    public Path lrcPath(int i) {
        String name = audioPath(i).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return output.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".lrc");
    }

    /** Output files of item i (1-based) of a batch of n: NAME-i.EXT, or NAME.EXT alone. */
    public Path audioPath(int i) {
        if (batch == 1) return output;
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot), ext = dot < 0 ? "" : name.substring(dot);
        return output.resolveSibling(stem + "-" + i + ext);
    }

    public Path sidecarPath(int i) {
        String name = audioPath(i).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return output.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".json");
    }

    /** The same request with its output file replaced (services write into their own folders). */
    public RenderRequest withOutput(Path out) {
        return toBuilder().output(out).build();
    }

    /** The same request with every seed fixed (drawn ones included), so all stages use the same seeds. */
    public RenderRequest withSeeds(long[] drawn) {
        return toBuilder().seeds(java.util.Arrays.stream(drawn).boxed().toList()).build();
    }

    /** The same request with what the LM decided filled in (text2music). */
    public RenderRequest withPlanned(String caption, String lyrics, Integer bpm, String key, String timeSignature,
                                     double duration, String language) {
        return toBuilder().caption(caption).lyrics(lyrics).bpm(bpm).key(key).timeSignature(timeSignature)
                .duration(duration).language(language).build();
    }

    /** A builder holding every value of this request (the with* copies above are built through it). */
    public Builder toBuilder() {
        Builder b = builder().task(task).caption(caption).lyrics(lyrics).instrumental(instrumental).language(language)
                .bpm(bpm).key(key).timeSignature(timeSignature).duration(duration).batch(batch).seeds(seeds).steps(steps)
                .shift(shift).method(method).timesteps(timesteps).guidance(guidance).adg(adg).cfgInterval(cfgStart, cfgEnd)
                .modelDir(modelDir).variant(variant).output(output).source(source).track(track).tracks(tracks)
                .strength(strength).noiseStrength(noiseStrength).reference(reference).repaintMode(repaintMode)
                .regionOnly(regionOnly).handles(handles).lm(lm).int8(int8).lora(lora, loraScale).codes(codes)
                .codeStrength(codeStrength).score(score).lrc(lrc);
        for (double[] r : ranges) b.range(r[0], r[1]);
        return b;
    }

    /** Mutable assembly of a request (CLI, UI). */
    public static final class Builder {
        private Task task = Task.TEXT2MUSIC;
        private String caption, lyrics, language, key, timeSignature, method, variant;
        private boolean instrumental, adg;
        private Integer bpm, steps;
        private double duration = -1, cfgStart = 0, cfgEnd = 1;
        private int batch = 1;
        private List<Long> seeds = new ArrayList<>();
        private Double shift, guidance;
        private double[] timesteps;
        private Path modelDir, output, source, reference;
        private List<double[]> ranges = new ArrayList<>();
        private String track, repaintMode;
        private List<String> tracks = new ArrayList<>();
        private Double strength, noiseStrength;
        private boolean regionOnly;
        private double handles = 0;
        private LmRequest lm;
        private boolean int8;
        private Path lora;
        private double loraScale = 1.0;
        private long[] codes;
        private double codeStrength = 1.0;
        private boolean score, lrc;

        public Builder task(Task v) { task = v; return this; }

        /** The task by the name users type; an unknown name is a {@link BadRequestException} for {@link RequestField#TASK}. */
        public Builder task(String v) {
            task = Task.parse(v);
            if (task == null)
                throw new BadRequestException(RequestField.TASK, v + " is unknown: use text2music, repaint, cover, extract, lego or complete");
            return this;
        }
        public Builder caption(String v) { caption = v; return this; }
        public Builder lyrics(String v) { lyrics = v; return this; }
        public Builder instrumental(boolean v) { instrumental = v; return this; }
        public Builder language(String v) { language = v; return this; }
        public Builder bpm(Integer v) { bpm = v; return this; }
        public Builder key(String v) { key = v; return this; }
        public Builder timeSignature(String v) { timeSignature = v; return this; }
        public Builder duration(double v) { duration = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder seeds(List<Long> v) { seeds = new ArrayList<>(v); return this; }
        public Builder seed(long v) { seeds = new ArrayList<>(List.of(v)); return this; }
        public Builder steps(Integer v) { steps = v; return this; }
        public Builder shift(Double v) { shift = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder timesteps(double[] v) { timesteps = v; return this; }
        public Builder guidance(Double v) { guidance = v; return this; }
        public Builder adg(boolean v) { adg = v; return this; }
        public Builder cfgInterval(double a, double b) { cfgStart = a; cfgEnd = b; return this; }
        public Builder modelDir(Path v) { modelDir = v; return this; }
        public Builder variant(String v) { variant = v; return this; }
        public Builder output(Path v) { output = v; return this; }
        public Builder source(Path v) { source = v; return this; }
        public Builder range(double start, double end) { ranges.add(new double[]{start, end}); return this; }
        public Builder track(String v) { track = v; return this; }
        public Builder tracks(List<String> v) { tracks = new ArrayList<>(v); return this; }
        public Builder strength(Double v) { strength = v; return this; }
        public Builder noiseStrength(Double v) { noiseStrength = v; return this; }
        public Builder reference(Path v) { reference = v; return this; }
        public Builder repaintMode(String v) { repaintMode = v; return this; }
        public Builder regionOnly(boolean v) { regionOnly = v; return this; }
        public Builder handles(double v) { handles = v; return this; }
        public Builder lm(LmRequest v) { lm = v; return this; }
        public Builder int8(boolean v) { int8 = v; return this; }
        public Builder lora(Path v, double scale) { lora = v; loraScale = scale; return this; }
        public Builder codes(long[] v) { codes = v; return this; }
        public Builder codeStrength(double v) { codeStrength = v; return this; }
        public Builder score(boolean v) { score = v; return this; }
        public Builder lrc(boolean v) { lrc = v; return this; }

        public RenderRequest build() {
            return new RenderRequest(task, caption, lyrics, instrumental, language, bpm, key, timeSignature, duration,
                    batch, List.copyOf(seeds), steps, shift, method, timesteps, guidance, adg, cfgStart, cfgEnd,
                    modelDir, variant, output, source, List.copyOf(ranges), track, List.copyOf(tracks), strength,
                    noiseStrength, reference, repaintMode, regionOnly, handles, lm, int8, lora, loraScale, codes, codeStrength, score, lrc);
        }
    }
}
