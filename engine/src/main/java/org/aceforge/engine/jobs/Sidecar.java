package org.aceforge.engine.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.pipeline.Renderer;
import org.aceforge.engine.tasks.Complete;
import org.aceforge.engine.tasks.Cover;
import org.aceforge.engine.tasks.Extract;
import org.aceforge.engine.tasks.Lego;
import org.aceforge.engine.tasks.Repaint;
import org.aceforge.engine.tasks.Task;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.sampling.SamplerSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The JSON written beside each result: the request, the resolved parameters and the seed, enough to reproduce it. */
public final class Sidecar {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Sidecar() {}

    public static ObjectNode build(RenderRequest r, Renderer.Plan plan, Renderer.Result rendered, int item,
                                   ResultWriter.Provenance from, String audioFile) {
        Music m = r.music();
        ObjectNode n = JSON.createObjectNode();
        n.put("aceforge_sidecar", FORMAT_VERSION);
        n.put("aceforge_version", org.aceforge.engine.Version.current());
        n.put("audio", audioFile);
        n.put("task", r.kind().key());
        n.put("caption", m.caption());
        n.put("lyrics", m.lyrics());
        n.put("instrumental", m.instrumental());
        n.put("language", m.language() == null ? "unknown" : m.language());
        if (m.bpm() != null) n.put("bpm", m.bpm()); else n.putNull("bpm");
        n.put("key", m.key());
        n.put("timesig", m.timeSignature());
        n.put("duration_requested", m.duration());
        // What was rendered: text2music its asked length; an edit the length of its result (source, outpainting, crop).
        n.put("duration", r.hasSource() ? Math.round(rendered.audio().get(item).length / 2.0 / Renderer.RATE * 1000) / 1000.0 : plan.seconds());
        n.put("latent_frames", rendered.timeline().latentFrames());
        n.put("batch", r.batch());
        n.put("batch_index", item + 1);
        n.put("seed", plan.seeds()[item]);
        ArrayNode seeds = n.putArray("batch_seeds");
        for (long s : plan.seeds()) seeds.add(s);
        SamplerSettings s = plan.sampler();
        ObjectNode dit = n.putObject("dit");
        dit.put("sampler", s.turbo() ? "turbo" : "base");
        dit.put("steps", s.turbo() ? s.schedule().length : s.steps());
        dit.put("shift", s.shift());
        dit.put("method", s.sde() ? "sde" : "ode");
        ArrayNode ts = dit.putArray("timesteps");
        for (double t : s.schedule()) ts.add(t);
        dit.put("custom_timesteps", s.customTimesteps() != null);
        dit.put("guidance", s.guidance());
        dit.put("adg", s.adg());
        dit.putArray("cfg_interval").add(s.cfgStart()).add(s.cfgEnd());
        dit.put("chunk_mask", "auto");
        ObjectNode model = n.putObject("model");
        model.put("root", from.modelRoot());
        model.put("dit", from.ditFolder());
        model.put("variant", r.model().variantKey());
        model.put("demo_pack", from.demo());
        model.put("int8", r.model().int8());
        // What the DiT ran on: the INT8 kernel this CPU chose, or fp32 (also when --int8 was asked but is slower here).
        model.put("dit_weights", from.int8Kernel() == null ? "fp32" : "int8-" + from.int8Kernel());
        // And the text and condition encoders': MatMulNBits where it beats fp32 well on this CPU, else fp32.
        model.put("encoder_weights", from.encoderKernel() == null ? "fp32" : "int8-" + from.encoderKernel());
        if (r.model().lora() != null) model.put("lora", r.model().lora().toAbsolutePath().toString()).put("lora_scale", r.model().loraScale());
        if (r.hasSource()) addEdit(n.putObject("edit"), r, from.sourceSha256(), rendered.timeline().sourceSeconds());
        if (rendered.estimated() != null) addEstimate(n, rendered.estimated());
        addMetadataFrom(n, asked(r, from), m, rendered.estimated());
        if (m.reference() != null) n.put("reference", m.reference().toAbsolutePath().toString()).put("reference_sha256", from.referenceSha256());
        if (m.codes() != null) n.put("codes", org.aceforge.engine.lm.AudioCodes.format(m.codes())).put("code_strength", m.codeStrength());
        n.put("caption_prompt", rendered.captionPrompt());
        n.put("lyric_prompt", plan.lyricPrompt());
        n.put("sample_rate", 48000);
        addLevel(n, rendered.finishes().get(item), rendered.timeline());
        if (from.timing() != null && !from.timing().isEmpty()) {
            var timing = n.putObject("timing");
            for (var st : from.timing()) {
                var o = timing.putObject(st.name());
                o.put("seconds", Math.round(st.seconds() * 1000) / 1000.0);
                if (st.peakMb() != null) o.put("peak_memory_mb", st.peakMb()); else o.putNull("peak_memory_mb");
            }
        }
        if (from.memory() != null) {
            var mem = n.putObject("memory");
            mem.put("device", from.memory().memory().device()).put("gigabytes", Math.round(from.memory().memory().bytes() / 1e8) / 10.0)
                    .put("source", from.memory().memory().source()).put("tier", from.memory().tier().name())
                    .put("batch_group", from.memory().maxBatch()).put("offload", from.memory().offload());
            var ch = mem.putArray("changes");
            from.memory().changes().forEach(ch::add);
            if (from.adapted() != null) from.adapted().forEach(ch::add);
        }
        return n;
    }

    /** The edit's source and the task's own parameters, resolved (what the render ran with). */
    static void addEdit(ObjectNode e, RenderRequest r, String sourceSha256, double sourceSeconds) {
        Task task = r.task();
        e.put("source", r.source().toAbsolutePath().toString());
        e.put("source_sha256", sourceSha256);
        e.put("source_seconds", Math.round(sourceSeconds * 1000) / 1000.0);
        ArrayNode ranges = e.putArray("ranges"), effective = e.putArray("ranges_rendered");
        for (Region x : task.regions()) {
            ranges.addArray().add(x.start()).add(x.end());
            Region y = x.resolved(sourceSeconds);
            effective.addArray().add(Math.round(y.start() * 1000) / 1000.0).add(Math.round(y.end() * 1000) / 1000.0);
        }
        if (task instanceof Extract x) e.put("track", x.track().key());
        if (task instanceof Lego x) e.put("track", x.track().key());
        if (task instanceof Complete x) {
            ArrayNode tracks = e.putArray("tracks");
            x.tracks().forEach(t -> tracks.add(t.key()));
        }
        if (task instanceof Repaint x) e.put("strength", x.strength()).put("repaint_mode", x.mode().key());
        if (task instanceof Cover x) e.put("strength", x.strength()).put("noise_strength", x.noise());
        e.put("region_only", r.output().regionOnly());
        e.put("handles", r.output().handles());
    }

    /** What the 5 Hz LM decided: its options, the user's own text, the chain of thought, and this variant's codes. */
    static void addLm(ObjectNode n, RenderRequest asked, LmStage.Outcome o, int item, String lmFolder) {
        LmRequest lm = asked.lm();
        ObjectNode l = n.putObject("lm");
        l.put("model", lmFolder);
        l.put("think", lm.think());
        l.put("describe", lm.describe());
        var opt = lm.options();
        l.put("temperature", opt.temperature()).put("cfg_scale", opt.cfgScale()).put("top_k", opt.topK()).put("top_p", opt.topP())
                .put("negative_prompt", opt.negativePrompt()).put("cot_metas", opt.cotMetas()).put("cot_caption", opt.cotCaption())
                .put("cot_language", opt.cotLanguage()).put("chunk", lm.chunk());
        l.put("user_caption", asked.music().caption());
        l.put("user_lyrics", asked.music().lyrics());
        l.put("cot", o.cot().yaml());
        if (o.sample() != null) l.put("sample_caption", o.sample().metadata().caption()).put("sample_lyrics", o.sample().lyrics());
        if (o.trace() != null) {
            ArrayNode t = l.putArray("trace");
            o.trace().forEach(t::add);
        }
        if (o.codes() != null) {
            l.put("code_count", o.codes()[item].length);
            l.put("codes", org.aceforge.engine.lm.LmPlanner.codeString(o.codes()[item]));
        }
    }

    /** The LM quality score (0–1 each; absent parts are null). */
    static void addScore(ObjectNode n, org.aceforge.engine.lm.LmScorer.Score s) {
        ObjectNode o = n.putObject("score");
        o.put("total", Math.round(s.total() * 1000) / 1000.0);
        if (s.caption() != null) o.put("caption", Math.round(s.caption() * 1000) / 1000.0); else o.putNull("caption");
        if (s.lyrics() != null) o.put("lyrics", Math.round(s.lyrics() * 1000) / 1000.0); else o.putNull("lyrics");
        if (s.metadata() != null) o.put("metadata", Math.round(s.metadata() * 1000) / 1000.0); else o.putNull("metadata");
    }

    /** Auto-LRC: the .lrc file and each line's time and confidence. */
    static void addLrc(ObjectNode n, Path file, java.util.List<org.aceforge.engine.pipeline.LyricTimestamps.Line> lines) {
        ObjectNode o = n.putObject("lrc");
        o.put("file", file.getFileName().toString());
        ArrayNode a = o.putArray("lines");
        for (var l : lines)
            a.addObject().put("time", Math.round(l.seconds() * 100) / 100.0).put("text", l.text())
                    .put("confidence", Math.round(l.confidence() * 1000) / 1000.0);
    }

    /** A small text file written atomically (temporary sibling, then rename). */
    public static void writeText(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
            org.aceforge.engine.audio.AudioFileWriter.readableByAll(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * What was done to the level: {@code normalization_db} (the peak the result was normalised to, or null when it
     * was not normalised), and for a repaint each region's loudness match and true-peak guard.
     */
    static void addLevel(ObjectNode n, org.aceforge.engine.tasks.Finish f, org.aceforge.engine.timeline.Timeline tl) {
        if (f.normalizedPeakDb() != null) n.put("normalization_db", f.normalizedPeakDb()); else n.putNull("normalization_db");
        ObjectNode level = n.putObject("level");
        level.put("normalized", f.normalizedPeakDb() != null);
        level.put("limited_to_full_scale", f.limited());
        if (f.splice().isEmpty()) return;
        level.put("splice", "source kept; each region matched to the source's loudness around it and held below the true-peak ceiling");
        ArrayNode regions = level.putArray("regions");
        for (var r : f.splice()) {
            ObjectNode o = regions.addObject();
            o.put("start", round3(r.start() / (double) tl.rate() - tl.leftPad())).put("end", round3(r.end() / (double) tl.rate() - tl.leftPad()));
            o.put("gain_db", round2(r.gainDb())).put("gain_clamped", r.clamped()).put("true_peak_guard_db", round2(r.guardDb()));
            putDb(o, "context_rms_db", r.contextDb());
            putDb(o, "region_rms_db", r.regionDb());
            putDb(o, "peak_db", r.peakDb());
            putDb(o, "true_peak_db", r.truePeakDb());
        }
    }

    private static void putDb(ObjectNode o, String key, double db) {
        if (Double.isFinite(db)) o.put(key, round2(db)); else o.putNull(key);
    }

    private static double round2(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : v;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** SHA-256 of a file's bytes, hex (sidecars identify the source and reference they were made from). */
    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) != -1; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Metadata estimated from the source because the user left it empty; marked as estimated. */
    public static void addEstimate(ObjectNode n, org.aceforge.engine.audio.MusicAnalysis.Estimate e) {
        ObjectNode est = n.putObject("estimated");
        if (e.bpm() != null) { est.put("bpm", e.bpm()); n.put("bpm", e.bpm()); }
        if (e.key() != null) { est.put("key", e.key()); n.put("key", e.key()); }
        if (e.timeSignature() != null) { est.put("timesig", e.timeSignature()); n.put("timesig", e.timeSignature()); }
    }

    /** Where each metadata value of the caption prompt came from: the user, the 5 Hz LM, the source's analysis, or none. */
    static void addMetadataFrom(ObjectNode n, Music asked, Music used, org.aceforge.engine.audio.MusicAnalysis.Estimate est) {
        ObjectNode o = n.putObject("metadata_from");
        o.put("bpm", origin(asked.bpm(), used.bpm(), est == null ? null : est.bpm()));
        o.put("key", origin(asked.key(), used.key(), est == null ? null : est.key()));
        o.put("timesig", origin(asked.timeSignature(), used.timeSignature(), est == null ? null : est.timeSignature()));
    }

    private static String origin(Object asked, Object used, Object estimated) {
        if (asked != null) return "user";
        if (used != null) return "lm";
        if (estimated != null) return "source analysis (whole source)";
        return "none";
    }

    private static Music asked(RenderRequest r, ResultWriter.Provenance from) {
        return from.askedMusic() != null ? from.askedMusic() : r.music();
    }

    public static void write(Path file, ObjectNode n) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            JSON.writeValue(tmp.toFile(), n);
            org.aceforge.engine.audio.AudioFileWriter.readableByAll(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
