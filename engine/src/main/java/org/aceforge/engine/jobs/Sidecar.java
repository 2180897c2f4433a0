package org.aceforge.engine.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.pipeline.Text2Music;
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

    public static ObjectNode build(RenderRequest r, Text2Music.Plan plan, int item, String modelRoot, String ditFolder,
                                   boolean demo, String audioFile) {
        ObjectNode n = JSON.createObjectNode();
        n.put("aceforge_sidecar", FORMAT_VERSION);
        n.put("audio", audioFile);
        n.put("task", r.task().key());
        n.put("caption", r.caption());
        n.put("lyrics", r.lyrics());
        n.put("instrumental", r.instrumental());
        n.put("language", r.language() == null ? "unknown" : r.language());
        if (r.bpm() != null) n.put("bpm", r.bpm()); else n.putNull("bpm");
        n.put("key", r.key());
        n.put("timesig", r.timeSignature());
        n.put("duration_requested", r.duration());
        n.put("duration", plan.durationSeconds());
        n.put("latent_frames", plan.frames());
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
        model.put("root", modelRoot);
        model.put("dit", ditFolder);
        model.put("variant", r.variant() == null ? "turbo" : r.variant());
        model.put("demo_pack", demo);
        model.put("int8", r.int8());
        if (r.lora() != null) model.put("lora", r.lora().toAbsolutePath().toString()).put("lora_scale", r.loraScale());
        if (r.hasSource()) {
            ObjectNode e = n.putObject("edit");
            e.put("source", r.source().toAbsolutePath().toString());
            ArrayNode ranges = e.putArray("ranges");
            for (double[] x : r.ranges()) ranges.addArray().add(x[0]).add(x[1]);
            e.put("track", r.track());
            ArrayNode tracks = e.putArray("tracks");
            r.tracks().forEach(tracks::add);
            if (r.strength() != null) e.put("strength", r.strength()); else e.putNull("strength");
            if (r.noiseStrength() != null) e.put("noise_strength", r.noiseStrength()); else e.putNull("noise_strength");
            e.put("repaint_mode", r.repaintMode() == null ? "balanced" : r.repaintMode());
            e.put("region_only", r.regionOnly());
            e.put("handles", r.handles());
            n.put("duration", (Double) null);
        }
        if (r.reference() != null) n.put("reference", r.reference().toAbsolutePath().toString());
        if (r.codes() != null) n.put("codes", org.aceforge.engine.lm.AudioCodes.format(r.codes())).put("code_strength", r.codeStrength());
        n.put("caption_prompt", plan.captionPrompt());
        n.put("lyric_prompt", plan.lyricPrompt());
        n.put("sample_rate", 48000);
        n.put("normalization_db", org.aceforge.engine.audio.Loudness.OUTPUT_PEAK_DB);
        return n;
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
        l.put("user_caption", asked.caption());
        l.put("user_lyrics", asked.lyrics());
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

    /** What a region edit actually ran with, in place of the text2music defaults of the plan. */
    public static void addEdit(ObjectNode n, org.aceforge.engine.pipeline.RegionEdit.Result r) {
        n.put("caption_prompt", r.captionPrompt());
        n.put("latent_frames", r.latentFrames());
        addEstimate(n, r.estimated());
    }

    /** Metadata estimated from the source because the user left it empty; marked as estimated. */
    public static void addEstimate(ObjectNode n, org.aceforge.engine.audio.MusicAnalysis.Estimate e) {
        ObjectNode est = n.putObject("estimated");
        if (e.bpm() != null) { est.put("bpm", e.bpm()); n.put("bpm", e.bpm()); }
        if (e.key() != null) { est.put("key", e.key()); n.put("key", e.key()); }
        if (e.timeSignature() != null) { est.put("timesig", e.timeSignature()); n.put("timesig", e.timeSignature()); }
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
