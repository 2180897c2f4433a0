package org.aceforge.engine.jobs;

import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.sampling.Method;
import org.aceforge.engine.tasks.Complete;
import org.aceforge.engine.tasks.Cover;
import org.aceforge.engine.tasks.Extract;
import org.aceforge.engine.tasks.Lego;
import org.aceforge.engine.tasks.Repaint;
import org.aceforge.engine.tasks.RepaintMode;
import org.aceforge.engine.tasks.Task;
import org.aceforge.engine.tasks.TaskKind;
import org.aceforge.engine.tasks.Text2Music;
import org.aceforge.engine.tasks.Track;
import org.aceforge.engine.timeline.Region;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything needed to reproduce a render, typed: the task with its own parameters, the source it edits, the music
 * asked for, how the DiT samples, which models run, what the LM does (null: nothing) and what is written. The
 * resolved values and the seeds actually used are written to each result's JSON sidecar.
 *
 * <p>Front ends assemble it with the {@link Builder} from the values their users typed; {@link Builder#build} turns
 * names into the typed task (an unknown track or mode, a missing region is a {@link BadRequestException} there) and
 * {@link #validate} checks every value. Both name the field at fault.
 */
public record RenderRequest(Task task, Path source, Music music, Sampling sampling, ModelChoice model, LmRequest lm,
                            Output output) {

    public TaskKind kind() {
        return task.kind();
    }

    /** Tasks that edit a source file. */
    public boolean hasSource() {
        return task.kind().hasSource();
    }

    public int batch() {
        return sampling.batch();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every user-facing value; throws {@link BadRequestException} naming the first bad one. */
    public RenderRequest validate() {
        TaskKind kind = kind();
        if (!hasSource() && source != null)
            throw new BadRequestException(RequestField.SOURCE, "is for region tasks (repaint, cover, extract, lego, complete); for a style reference use {REFERENCE}");
        if (hasSource() && source == null) throw new BadRequestException(RequestField.TASK, kind + " needs {SOURCE} (the audio to edit)");
        if (hasSource() && !Files.isRegularFile(source)) throw new BadRequestException(RequestField.SOURCE, source + " does not exist");
        music.validate(kind, lm != null && lm.describe() != null);
        if (lm != null) lm.validate(kind);
        sampling.validate();
        model.validate();
        output.validate();
        if (output.regionOnly() && task.regions().isEmpty()) throw new BadRequestException(RequestField.REGION_ONLY, "needs a region ({REGION})");
        if (output.lrc() && kind != TaskKind.TEXT2MUSIC) throw new BadRequestException(RequestField.LRC, "works with text2music only ({TASK} is " + kind + ")");
        return this;
    }

    /** The LRC file beside item i's audio. */
    public Path lrcPath(int i) {
        return sibling(i, ".lrc");
    }

    /**
     * The audio file of item i (1-based) whose seed is {@code seed}: with {@link Output#seedNames} "NAME vI seed S.EXT"
     * (" (2)"… added rather than replace a file), else {@link #audioPath(int)}.
     */
    public Path audioPath(int i, long seed) {
        if (!output.seedNames()) return audioPath(i);
        Path out = output.path();
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)) + " v" + i + " seed " + seed, ext = dot < 0 ? "" : name.substring(dot);
        Path p = out.resolveSibling(stem + ext);
        for (int n = 2; java.nio.file.Files.exists(p); n++) p = out.resolveSibling(stem + " (" + n + ")" + ext);
        return p;
    }

    /** A file beside {@code audio} with its name and another extension (the sidecar .json, the .lrc). */
    public static Path besideAudio(Path audio, String ext) {
        String name = audio.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return audio.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ext);
    }

    /** Output files of item i (1-based) of a batch of n: NAME-i.EXT, or NAME.EXT alone. */
    public Path audioPath(int i) {
        Path out = output.path();
        if (batch() == 1) return out;
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot), ext = dot < 0 ? "" : name.substring(dot);
        return out.resolveSibling(stem + "-" + i + ext);
    }

    public Path sidecarPath(int i) {
        return sibling(i, ".json");
    }

    private Path sibling(int i, String ext) {
        String name = audioPath(i).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return output.path().resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ext);
    }

    /** The same request with its output file replaced (services write into their own folders). */
    public RenderRequest withOutput(Path out) {
        return new RenderRequest(task, source, music, sampling, model, lm, output.withPath(out));
    }

    /** The same request with every seed fixed (drawn ones included), so all stages use the same seeds. */
    public RenderRequest withSeeds(long[] drawn) {
        Sampling s = sampling;
        return new RenderRequest(task, source, music, new Sampling(s.batch(), Arrays.stream(drawn).boxed().toList(), s.steps(),
                s.shift(), s.method(), s.timesteps(), s.guidance(), s.adg(), s.cfgStart(), s.cfgEnd(), s.initialNoise()), model, lm, output);
    }

    /** The same request with the music the LM (or the codes) decided. */
    public RenderRequest withMusic(Music m) {
        return new RenderRequest(task, source, m, sampling, model, lm, output);
    }

    /** The same request with what the LM decided filled in (text2music). */
    public RenderRequest withPlanned(String caption, String lyrics, Integer bpm, String key, String timeSignature,
                                     double duration, String language) {
        Music m = music;
        return withMusic(new Music(caption, lyrics, m.instrumental(), language, bpm, key, timeSignature, duration,
                m.reference(), m.codes(), m.codeStrength()));
    }

    /** A builder holding every value of this request. */
    public Builder toBuilder() {
        Builder b = builder().task(kind()).source(source);
        Music m = music;
        b.caption(m.caption()).lyrics(m.lyrics()).instrumental(m.instrumental()).language(m.language()).bpm(m.bpm())
                .key(m.key()).timeSignature(m.timeSignature()).duration(m.duration()).reference(m.reference())
                .codes(m.codes()).codeStrength(m.codeStrength());
        Sampling s = sampling;
        b.batch(s.batch()).seeds(s.seeds()).steps(s.steps()).shift(s.shift()).method(s.method() == null ? null : s.method().key())
                .timesteps(s.timesteps()).guidance(s.guidance()).adg(s.adg()).cfgInterval(s.cfgStart(), s.cfgEnd())
                .initialNoise(s.initialNoise());
        b.modelDir(model.dir()).variant(model.variantKey()).int8(model.int8()).lora(model.lora(), model.loraScale());
        b.lm(lm).output(output.path()).regionOnly(output.regionOnly()).handles(output.handles()).score(output.score()).lrc(output.lrc())
                .seedNames(output.seedNames());
        for (Region r : task.regions()) b.range(r.start(), r.end());
        if (task instanceof Repaint r) b.repaintMode(r.mode().key()).strength(r.strength());
        else if (task instanceof Cover c) b.strength(c.strength()).noiseStrength(c.noise());
        else if (task instanceof Extract e) b.track(e.track().key());
        else if (task instanceof Lego l) b.track(l.track().key());
        else if (task instanceof Complete c) b.tracks(c.tracks().stream().map(Track::key).toList());
        return b;
    }

    /** Mutable assembly of a request from the values a front end's users typed (CLI, studio, server). */
    public static final class Builder {
        private TaskKind task = TaskKind.TEXT2MUSIC;
        private String caption, lyrics, language, key, timeSignature, method, variant;
        private boolean instrumental, adg;
        private Integer bpm, steps;
        private double duration = -1, cfgStart = 0, cfgEnd = 1;
        private int batch = 1;
        private List<Long> seeds = new ArrayList<>();
        private Double shift, guidance;
        private double[] timesteps;
        private Path modelDir, output, source, reference, initialNoise;
        private final List<Region> ranges = new ArrayList<>();
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
        private boolean score, lrc, seedNames;

        public Builder task(TaskKind v) { task = v; return this; }

        /** The task by the name users type; an unknown name is a {@link BadRequestException} for {@link RequestField#TASK}. */
        public Builder task(String v) {
            task = TaskKind.parse(v);
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
        public Builder initialNoise(Path v) { initialNoise = v; return this; }
        public Builder modelDir(Path v) { modelDir = v; return this; }
        public Builder variant(String v) { variant = v; return this; }
        public Builder output(Path v) { output = v; return this; }
        public Builder source(Path v) { source = v; return this; }
        /** A region in seconds; an end of −1 is the source's end. */
        public Builder range(double start, double end) { ranges.add(new Region(start, end)); return this; }
        public Builder region(Region r) { ranges.add(r); return this; }
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
        /** Variants named "NAME vI seed S.EXT" (the studio), never replacing a file. */
        public Builder seedNames(boolean v) { seedNames = v; return this; }

        /** The typed request; names that mean nothing (a track, a mode, a method) and task fields that do not fit the task are rejected here. */
        public RenderRequest build() {
            if (strength != null && !(strength >= 0 && strength <= 1)) throw new BadRequestException(RequestField.STRENGTH, strength + " is out of range: use 0 to 1");
            if (noiseStrength != null && !(noiseStrength >= 0 && noiseStrength <= 1)) throw new BadRequestException(RequestField.NOISE_STRENGTH, noiseStrength + " is out of range: use 0 to 1");
            RepaintMode mode = repaintMode == null ? Defaults.REPAINT_MODE : RepaintMode.parse(repaintMode);
            Method m = method == null ? null : Method.parse(method);
            if (method != null && m == null) throw new BadRequestException(RequestField.METHOD, method + " is unknown: use ode or sde");
            ModelPack.Variant v = variant == null ? Defaults.VARIANT : ModelPack.Variant.find(variant);
            if (v == null) throw new BadRequestException(RequestField.VARIANT, variant + " is unknown: use " + ModelPack.Variant.NAMES);
            Track one = track == null ? null : Track.parse(track, RequestField.TRACK);
            List<Track> many = tracks.stream().map(t -> Track.parse(t, RequestField.TRACKS)).toList();
            if (!task.takesRegions() && !ranges.isEmpty()) {
                if (task == TaskKind.TEXT2MUSIC) throw new BadRequestException(RequestField.REGION, "needs a region task ({TASK} repaint or lego)");
                throw new BadRequestException(RequestField.TASK, task + " takes no region (regions are for repaint and lego)");
            }
            Task t = switch (task) {
                case TEXT2MUSIC -> new Text2Music();
                case REPAINT -> new Repaint(ranges, mode, Defaults.strength(task, strength));
                case COVER -> new Cover(Defaults.strength(task, strength), noiseStrength == null ? Defaults.NOISE_STRENGTH : noiseStrength);
                case EXTRACT -> new Extract(needTrack(one));
                case LEGO -> {
                    if (ranges.size() > 1) throw new BadRequestException(RequestField.TASK, "lego takes at most one region");
                    yield new Lego(needTrack(one), ranges.isEmpty() ? null : ranges.get(0));
                }
                case COMPLETE -> new Complete(many);
            };
            return new RenderRequest(t, source,
                    new Music(caption, lyrics, instrumental, language, bpm, key, timeSignature, duration, reference, codes, codeStrength),
                    new Sampling(batch, List.copyOf(seeds), steps, shift, m, timesteps, guidance, adg, cfgStart, cfgEnd, initialNoise),
                    new ModelChoice(modelDir, v, int8, lora, loraScale), lm,
                    new Output(output, regionOnly, handles, score, lrc, seedNames));
        }

        private Track needTrack(Track t) {
            if (t == null) throw new BadRequestException(RequestField.TASK, task + " needs {TRACK} (which track)");
            return t;
        }
    }
}
