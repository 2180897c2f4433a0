package org.aceforge.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.jobs.LmRequest;
import org.aceforge.engine.jobs.Music;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.Sampling;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.tasks.Complete;
import org.aceforge.engine.tasks.Cover;
import org.aceforge.engine.tasks.Extract;
import org.aceforge.engine.tasks.Lego;
import org.aceforge.engine.tasks.Repaint;
import org.aceforge.engine.tasks.Track;
import org.aceforge.engine.timeline.Region;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A typed {@link RenderRequest} as {@code release_task}'s fields: the inverse of the server's mapping, so the server
 * renders what this machine would have. The API document's names where it has them (snake_case), AceForge's own for
 * what it lacks ({@code repainting_regions}, {@code cover_noise_strength}, {@code audio_code_strength},
 * {@code region_only}, {@code repaint_handles}, {@code score}, {@code lrc}, {@code lora_path}, {@code use_lm}).
 * Sources are named by their upload hashes, which the caller has made sure the server holds.
 */
public final class ApiFields {
    private ApiFields() {}

    /** The API's audio formats by the file extension the request writes. */
    static String audioFormat(RenderRequest r) {
        String name = r.output().path().getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "mp3", "flac", "wav" -> ext;
            default -> throw new BadRequestException(RequestField.OUTPUT, "'" + ext + "' cannot be rendered on a server: use wav, flac or mp3");
        };
    }

    /**
     * The fields of {@code r}. {@code sourceSha256}/{@code referenceSha256}: the uploads standing for its source and
     * reference (null when it has none).
     */
    public static ObjectNode of(RenderRequest r, String sourceSha256, String referenceSha256) {
        if (r.sampling().initialNoise() != null)
            throw new BadRequestException(RequestField.INITIAL_NOISE, "cannot be sent to a server: render on this computer to use a noise file");
        ObjectNode f = ServerConnection.object();
        f.put("task_type", r.kind().key());
        if (sourceSha256 != null) f.put("src_audio_sha256", sourceSha256);
        if (referenceSha256 != null) f.put("reference_audio_sha256", referenceSha256);
        music(f, r.music());
        sampling(f, r.sampling());
        f.put("model", r.model().variantKey());
        f.put("int8", r.model().int8());
        if (r.model().lora() != null) {
            f.put("lora_path", r.model().lora().toString());
            f.put("lora_scale", r.model().loraScale());
        }
        task(f, r);
        lm(f, r.lm());
        f.put("audio_format", audioFormat(r));
        if (r.output().regionOnly()) f.put("region_only", true);
        if (r.output().handles() != 0) f.put("repaint_handles", r.output().handles());
        if (r.output().score()) f.put("score", true);
        if (r.output().lrc()) f.put("lrc", true);
        return f;
    }

    private static void music(ObjectNode f, Music m) {
        if (m.caption() != null && !m.caption().isBlank()) f.put("prompt", m.caption());
        if (m.lyrics() != null && !m.lyrics().isBlank()) f.put("lyrics", m.lyrics());
        f.put("instrumental", m.instrumental());
        if (m.language() != null) f.put("vocal_language", m.language());
        if (m.bpm() != null) f.put("bpm", m.bpm());
        if (m.key() != null) f.put("key_scale", m.key());
        if (m.timeSignature() != null) f.put("time_signature", m.timeSignature());
        f.put("audio_duration", m.duration());
        if (m.codes() != null) {
            // The API's own spelling of "follow these codes": thinking on with the codes given (the LM is then not run).
            f.put("thinking", true);
            f.put("audio_code_string", Arrays.stream(m.codes()).mapToObj(Long::toString).collect(Collectors.joining(",")));
            f.put("audio_code_strength", m.codeStrength());
        }
    }

    private static void sampling(ObjectNode f, Sampling s) {
        f.put("batch_size", s.batch());
        if (s.seeds().isEmpty()) f.put("use_random_seed", true);
        else {
            f.put("use_random_seed", false);
            f.put("seed", s.seeds().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (s.steps() != null) f.put("inference_steps", s.steps());
        if (s.guidance() != null) f.put("guidance_scale", s.guidance());
        if (s.shift() != null) f.put("shift", s.shift());
        if (s.method() != null) f.put("infer_method", s.method().key());
        if (s.timesteps() != null)
            f.put("timesteps", Arrays.stream(s.timesteps()).mapToObj(Double::toString).collect(Collectors.joining(",")));
        f.put("use_adg", s.adg());
        f.put("cfg_interval_start", s.cfgStart());
        f.put("cfg_interval_end", s.cfgEnd());
    }

    private static void task(ObjectNode f, RenderRequest r) {
        List<Region> regions = r.task().regions();
        if (regions.size() == 1) {
            f.put("repainting_start", regions.get(0).start());
            f.put("repainting_end", regions.get(0).end());
        } else if (regions.size() > 1) {
            f.put("repainting_regions", regions.stream().map(g -> g.start() + ":" + g.end()).collect(Collectors.joining(",")));
        }
        if (r.task() instanceof Repaint p) {
            f.put("repaint_mode", p.mode().key());
            f.put("repaint_strength", p.strength());
        } else if (r.task() instanceof Cover c) {
            f.put("audio_cover_strength", c.strength());
            f.put("cover_noise_strength", c.noise());
        } else if (r.task() instanceof Extract e) {
            f.put("track", e.track().key());
        } else if (r.task() instanceof Lego l) {
            f.put("track", l.track().key());
        } else if (r.task() instanceof Complete c) {
            f.put("complete_tracks", c.tracks().stream().map(Track::key).collect(Collectors.joining(",")));
        }
    }

    private static void lm(ObjectNode f, LmRequest lm) {
        if (lm == null) return;
        if (lm.think()) f.put("thinking", true);
        else f.put("use_lm", true);   // the LM writes metadata and the caption, not codes
        if (lm.model() != null) f.put("lm_model_path", lm.model());
        if (lm.describe() != null) {
            if (lm.describe().isEmpty()) f.put("sample_mode", true);
            else f.put("sample_query", lm.describe());
        }
        if (lm.format()) f.put("use_format", true);
        f.put("allow_lm_batch", lm.chunk() > 1);
        f.put("constrained_decoding_debug", lm.debug());
        var o = lm.options();
        f.put("lm_temperature", o.temperature());
        f.put("lm_cfg_scale", o.cfgScale());
        f.put("lm_top_k", o.topK());
        f.put("lm_top_p", o.topP());
        f.put("lm_negative_prompt", o.negativePrompt());
        f.put("use_cot_metas", o.cotMetas());
        f.put("use_cot_caption", o.cotCaption());
        f.put("use_cot_language", o.cotLanguage());
    }
}
