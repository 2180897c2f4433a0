package org.aceforge.server;

import org.aceforge.engine.jobs.LmRequest;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.tasks.TaskKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code release_task} request, in the ACE-Step API's fields, as the engine's typed {@link RenderRequest}. What a
 * field means is decided here and nowhere else in the server; what a value may be is decided by the engine, whose
 * errors name the field by its API name.
 *
 * <p>Semantics kept from the API document: {@code thinking} lets the LM write the codes (text2music only: for the
 * other tasks the LM is skipped, as the official server does); {@code sample_mode}/{@code sample_query} and
 * {@code use_format} use the LM too; {@code use_random_seed} (default true) ignores {@code seed}; {@code batch_size}
 * defaults to 2; the repainting region applies to repaint (and lego when given); {@code audio_cover_strength} to cover.
 * Accepted and ignored, because they choose between implementations AceForge does not have: {@code lm_backend},
 * {@code constrained_decoding} (the LM's output is always constrained), {@code instruction} (derived from the task),
 * {@code lm_repetition_penalty} at 1.0.
 *
 * <p>AceForge's own fields, beside the document's (what the studio sends when it renders on a server):
 * {@code repainting_regions} ("START:END,…", several regions at once), {@code cover_noise_strength},
 * {@code audio_code_strength}, {@code region_only} and {@code repaint_handles}, {@code score}, {@code lrc}, and
 * {@code lora_path}/{@code lora_scale} (an adapter folder on the server, for this task only; without them the adapter
 * loaded with {@code /v1/lora/load} applies), {@code use_lm} (the LM writes metadata and caption, no codes).
 */
final class TaskMapper {
    /** API audio formats → the file extension the engine writes. */
    static final Map<String, String> FORMATS = Map.of("mp3", "mp3", "flac", "flac", "wav", "wav", "wav32", "wav");
    private final ServerSettings settings;

    TaskMapper(ServerSettings settings) {
        this.settings = settings;
    }

    /** The format's file extension; a 400 for formats the engine cannot write. */
    static String extension(Params p) {
        String f = p.text("audio_format", "audioFormat");
        if (f == null) return "mp3";
        String ext = FORMATS.get(f.strip().toLowerCase(Locale.ROOT));
        if (ext == null) throw ApiException.badRequest("audio_format: " + f.strip() + " is not supported here: use mp3, flac, wav or wav32");
        return ext;
    }

    /**
     * The typed request. {@code source} and {@code reference} are server files already checked (uploads or allowed
     * paths), {@code output} the first result's path (variants get -2, -3, … before the extension).
     */
    RenderRequest map(Params p, Path source, Path reference, Path output) {
        RenderRequest.Builder b = RenderRequest.builder();
        String taskName = p.text("task_type", "taskType", "task");
        TaskKind task = taskName == null ? TaskKind.TEXT2MUSIC : TaskKind.parse(taskName.strip());
        if (task == null) throw ApiException.badRequest("task_type: " + Params.shown(com.fasterxml.jackson.databind.node.TextNode.valueOf(taskName))
                + " is unknown: use text2music, cover, repaint, lego, extract or complete");
        b.task(task).source(source).reference(reference).output(output).modelDir(settings.models());
        b.caption(p.text("prompt", "caption")).lyrics(p.text("lyrics"));
        b.instrumental(p.bool(false, "instrumental"));
        b.language(p.text("vocal_language", "vocalLanguage", "language"));
        b.bpm(p.integer("bpm"));
        b.key(p.text("key_scale", "keyscale", "keyScale"));
        b.timeSignature(p.text("time_signature", "timesignature", "timeSignature"));
        Double duration = p.decimal("audio_duration", "duration", "audioDuration", "target_duration", "targetDuration");
        b.duration(duration == null ? -1 : duration);

        Integer batch = p.integer("batch_size", "batchSize");
        int n = batch == null ? Math.min(2, settings.maxBatch()) : batch;
        if (n < 1 || n > settings.maxBatch()) throw ApiException.badRequest("batch_size: " + n + " is out of range: use 1 to " + settings.maxBatch());
        b.batch(n);
        if (!p.bool(true, "use_random_seed", "useRandomSeed")) b.seeds(seeds(p));

        b.steps(p.integer("inference_steps", "inferenceSteps"));
        b.guidance(p.decimal("guidance_scale", "guidanceScale"));
        b.shift(p.decimal("shift"));
        b.method(p.text("infer_method", "inferMethod"));
        List<String> ts = p.texts("timesteps");
        if (ts != null) b.timesteps(numbers("timesteps", ts));
        b.adg(p.bool(false, "use_adg", "useAdg"));
        Double cfgStart = p.decimal("cfg_interval_start", "cfgIntervalStart"), cfgEnd = p.decimal("cfg_interval_end", "cfgIntervalEnd");
        b.cfgInterval(cfgStart == null ? 0 : cfgStart, cfgEnd == null ? 1 : cfgEnd);
        b.variant(p.text("model", "dit_model", "ditModel"));
        b.int8(p.bool(settings.int8(), "int8"));

        List<String> regions = p.texts("repainting_regions", "repaintingRegions");
        if (regions != null && (task == TaskKind.REPAINT || task == TaskKind.LEGO)) {
            for (String r : splitAll(regions)) b.range(regionEnd(r, 0), regionEnd(r, 1));
        } else if (task == TaskKind.REPAINT || (task == TaskKind.LEGO && p.has("repainting_start", "repaintingStart", "repainting_end", "repaintingEnd"))) {
            Double start = p.decimal("repainting_start", "repaintingStart"), end = p.decimal("repainting_end", "repaintingEnd");
            b.range(start == null ? 0 : start, end == null ? -1 : end);
        }
        if (task == TaskKind.COVER) {
            b.strength(p.decimal("audio_cover_strength", "audioCoverStrength"));
            b.noiseStrength(p.decimal("cover_noise_strength", "coverNoiseStrength"));
        }
        b.regionOnly(p.bool(false, "region_only", "regionOnly"));
        Double handles = p.decimal("repaint_handles", "repaintHandles");
        if (handles != null) b.handles(handles);
        b.score(p.bool(false, "score", "get_scores", "getScores")).lrc(p.bool(false, "lrc", "get_lrc", "getLrc"));
        String lora = p.text("lora_path", "loraPath");
        if (lora != null && !lora.isBlank()) {
            Double scale = p.decimal("lora_scale", "loraScale");
            try {
                b.lora(Path.of(lora.strip()), scale == null ? 1.0 : scale);
            } catch (java.nio.file.InvalidPathException e) {
                throw ApiException.badRequest("lora_path: is not a folder path");
            }
        }
        if (task == TaskKind.REPAINT) {
            b.strength(p.decimal("repaint_strength", "repaintStrength"));
            b.repaintMode(p.text("repaint_mode", "repaintMode"));
        }
        b.track(p.text("track", "track_name", "trackName"));
        List<String> tracks = p.texts("complete_tracks", "completeTracks", "track_classes", "trackClasses");
        if (tracks != null) b.tracks(splitAll(tracks));

        // Given codes are what thinking would have written (the API ignores them without thinking): the LM is not run for them.
        List<String> codes = p.texts("audio_code_string", "audioCodeString");
        boolean givenCodes = p.bool(false, "thinking") && codes != null && !String.join("", codes).isBlank();
        if (givenCodes) {
            try {
                b.codes(org.aceforge.engine.lm.AudioCodes.parse(String.join(" ", codes)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("audio_code_string: " + e.getMessage());
            }
            Double codeStrength = p.decimal("audio_code_strength", "audioCodeStrength");
            if (codeStrength != null) b.codeStrength(codeStrength);
        }

        String describe = p.bool(false, "sample_mode", "sampleMode") || p.has("sample_query", "sampleQuery", "description", "desc")
                ? p.text("sample_query", "sampleQuery", "description", "desc") : null;
        boolean sample = p.bool(false, "sample_mode", "sampleMode");
        boolean think = p.bool(false, "thinking") && !givenCodes;
        boolean format = p.bool(false, "use_format", "useFormat", "format");
        boolean useLm = p.bool(false, "use_lm", "useLm");   // AceForge's: the LM plans metadata and caption without codes
        if (task == TaskKind.TEXT2MUSIC && (think || sample || describe != null || format || useLm)) {
            LmOptions d = LmOptions.defaults();
            Integer topK = p.integer("lm_top_k", "lmTopK");
            Double topP = p.decimal("lm_top_p", "lmTopP");
            LmOptions o = new LmOptions(
                    orElse(p.decimal("lm_temperature", "lmTemperature"), d.temperature()),
                    orElse(p.decimal("lm_cfg_scale", "lmCfgScale"), d.cfgScale()),
                    topK == null ? d.topK() : topK,
                    topP == null ? d.topP() : topP >= 1 ? 1.0 : topP,
                    p.text("lm_negative_prompt", "lmNegativePrompt") == null ? d.negativePrompt() : p.text("lm_negative_prompt", "lmNegativePrompt"),
                    p.bool(true, "use_cot_metas", "cot_metas", "cot-metas", "useCotMetas"),
                    p.bool(true, "use_cot_caption", "cot_caption", "cot-caption", "useCotCaption"),
                    p.bool(true, "use_cot_language", "cot_language", "cot-language", "useCotLanguage"));
            int chunk = p.bool(true, "allow_lm_batch", "allowLmBatch") ? n : 1;
            b.lm(new LmRequest(think || sample || describe != null, p.text("lm_model_path", "lmModelPath", "lm_model"), o,
                    describe == null && sample ? "" : describe, chunk, format, p.bool(false, "constrained_decoding_debug", "constrainedDecodingDebug")));
        }
        return b.build().validate();
    }

    private static double orElse(Double v, double otherwise) {
        return v == null ? otherwise : v;
    }

    /** {@code seed}: a number, "12345,67890", or a list; −1 draws a random seed. */
    private static List<Long> seeds(Params p) {
        List<String> given = p.texts("seed", "seeds");
        List<Long> out = new ArrayList<>();
        if (given == null) return out;
        for (String s : splitAll(given)) {
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("seed: '" + (s.length() > 30 ? s.substring(0, 30) + "…" : s) + "' is not a whole number");
            }
        }
        return out;
    }

    /** One end of a {@code repainting_regions} entry "START:END" (seconds; END −1: the end of the source). */
    private static double regionEnd(String region, int which) {
        String[] ends = region.split(":");
        try {
            if (ends.length != 2) throw new NumberFormatException();
            double v = Double.parseDouble(ends[which].strip());
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("repainting_regions: '" + (region.length() > 30 ? region.substring(0, 30) + "…" : region)
                    + "' is not START:END in seconds (e.g. 4:8,12.5:16)");
        }
    }

    private static List<String> splitAll(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) for (String s : v.split(",")) if (!s.isBlank()) out.add(s.strip());
        return out;
    }

    private static double[] numbers(String field, List<String> values) {
        List<String> parts = splitAll(values);
        double[] out = new double[parts.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Double.parseDouble(parts.get(i));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(field + ": '" + parts.get(i) + "' is not a number");
            }
            if (!Double.isFinite(out[i])) throw ApiException.badRequest(field + ": '" + parts.get(i) + "' is not a finite number");
        }
        return out;
    }
}
