package org.aceforge.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.FieldNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The ACE-Step REST API (the official {@code API.md}) over AceForge's engine, on Javalin: release_task, query_result,
 * /v1/audio, format_input, create_random_sample, /v1/models, /v1/stats, /health, with the {data, code, error,
 * timestamp, extra} wrapper on every answer; AceForge's own endpoints sit beside them under /v1/tasks. Every refusal
 * is a 4xx with the wrapper and a one-line message; nothing a client sends reaches a 500 with a trace.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** JSON and form bodies (uploads have their own limit). */
    static final long MAX_BODY_BYTES = 2_000_000;
    private final ServerSettings settings;
    private final org.aceforge.engine.jobs.RenderService service;
    private final TaskQueue queue;
    private final AudioFolder outputs;
    private final Uploads uploads;
    private final LoraSlot lora = new LoraSlot();
    private final TaskMapper mapper;
    private final Samples samples = new Samples();
    private final byte[] keyDigest;
    private final ProgressStream streams;
    private final Javalin app;

    public ApiServer(ServerSettings settings) throws IOException {
        this.settings = settings;
        this.outputs = new AudioFolder(settings.outputs());
        this.uploads = new Uploads(new AudioFolder(settings.uploads()));
        this.mapper = new TaskMapper(settings);
        this.keyDigest = settings.apiKey() == null || settings.apiKey().isEmpty() ? null : digest(settings.apiKey());
        this.service = settings.workers() > 0
                ? new org.aceforge.engine.jobs.RenderService(settings.workers(), org.aceforge.engine.runtime.GraphCache.defaultCache()) : null;
        JobRunner runner = service == null ? null : new JobRunner(mapper, service, outputs);
        // ONNX Runtime and the device are chosen now, not by the first requests (they waited ~0.6 s on it, measured).
        if (service != null) org.aceforge.engine.runtime.OrtRuntime.device();
        this.queue = settings.queue() == null ? new LocalQueue(settings, service, runner)
                : new RedisQueue(settings, runner, uploads.folder());
        Path multipartCache = Files.createDirectories(settings.folder().resolve("multipart"));
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = MAX_BODY_BYTES;
            c.jetty.multipartConfig.cacheDirectory(multipartCache.toString());
            c.jetty.multipartConfig.maxFileSize(settings.maxUploadMb(), SizeUnit.MB);
            c.jetty.multipartConfig.maxTotalRequestSize(2L * settings.maxUploadMb() + 1, SizeUnit.MB);
            c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
        });
        this.streams = new ProgressStream(queue);
        routes();
    }

    /** Starts listening; {@code port} 0 takes a free one (see {@link #port()}). */
    public ApiServer start() {
        app.start(settings.host(), settings.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    private void routes() {
        app.get("/health", ctx -> ok(ctx, Map.of("status", "ok", "service", "ACE-Step API", "version", "1.0",
                "engine", "AceForge " + org.aceforge.engine.Version.current())));
        app.get("/v1/models", ctx -> {
            authorize(ctx, null);
            ok(ctx, models());
        });
        app.get("/v1/stats", ctx -> {
            authorize(ctx, null);
            ok(ctx, queue.stats());
        });
        app.post("/release_task", this::releaseTask);
        app.post("/query_result", ctx -> {
            Params p = params(ctx, false);
            authorize(ctx, p);
            List<String> ids = p.texts("task_id_list", "taskIdList", "task_ids", "task_id");
            if (ids == null) throw ApiException.badRequest("task_id_list: is required (a list of task ids)");
            if (ids.size() > 1000) throw ApiException.badRequest("task_id_list: lists " + ids.size() + " tasks: ask for at most 1000 at once");
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (String id : ids) {
                TaskView t = id.length() > 100 ? null : queue.view(id.strip());
                if (t != null) out.add(ResultJson.of(t));
                else {
                    var n = out.addObject();
                    n.put("task_id", id.strip());
                    n.put("status", 2);
                    n.put("result", "[]");
                    n.put("error", "no such task on this server");
                }
            }
            ok(ctx, out);
        });
        app.get("/v1/audio", ctx -> {
            authorize(ctx, null);
            String given = ctx.queryParam("path");
            if (given == null || given.isBlank()) throw ApiException.badRequest("path: is required");
            Path file = queue.resultFile(outputs, given);
            if (file == null) throw new ApiException(404, "path: no such audio file among this server's results");
            ctx.contentType(AudioFolder.TYPES.get(AudioFolder.extension(file)));
            ctx.header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"");
            ctx.result(Files.newInputStream(file));
        });
        app.post("/format_input", this::formatInput);
        app.post("/v1/uploads", ctx -> {
            authorize(ctx, null);
            UploadedFile file = isMultipart(ctx) ? ctx.uploadedFile("file") : null;
            if (file == null) throw ApiException.badRequest("file: is required (multipart/form-data, field 'file')");
            ok(ctx, upload(uploads.saveByHash(file)));
        });
        app.get("/v1/uploads/{sha256}", ctx -> {
            authorize(ctx, null);
            Path p = uploads.byHash(ctx.pathParam("sha256").toLowerCase(Locale.ROOT));
            if (p == null) throw new ApiException(404, "sha256: no upload with this hash on this server; POST the file to /v1/uploads");
            ok(ctx, upload(p));
        });
        app.post("/create_random_sample", ctx -> {
            Params p = params(ctx, false);
            authorize(ctx, p);
            String type = p.text("sample_type", "sampleType");
            if (type != null && !type.equals("simple_mode") && !type.equals("custom_mode"))
                throw ApiException.badRequest("sample_type: " + type.strip() + " is unknown: use simple_mode or custom_mode");
            ok(ctx, samples.random());
        });
        app.post("/v1/lora/load", ctx -> {
            Params p = params(ctx, false);
            authorize(ctx, p);
            ok(ctx, lora.load(p.text("lora_path", "loraPath"), p.text("adapter_name", "adapterName")));
        });
        app.post("/v1/lora/unload", ctx -> {
            authorize(ctx, params(ctx, false));
            ok(ctx, lora.unload());
        });
        app.post("/v1/lora/toggle", ctx -> {
            Params p = params(ctx, false);
            authorize(ctx, p);
            ok(ctx, lora.toggle(p.bool("use_lora", "useLora")));
        });
        app.post("/v1/lora/scale", ctx -> {
            Params p = params(ctx, false);
            authorize(ctx, p);
            ok(ctx, lora.scale(p.decimal("scale", "lora_scale", "loraScale"), p.text("adapter_name", "adapterName")));
        });
        app.get("/v1/lora/status", ctx -> {
            authorize(ctx, null);
            ok(ctx, lora.status());
        });
        app.post("/v1/tasks/{id}/cancel", ctx -> {
            authorize(ctx, null);
            TaskView t = queue.view(ctx.pathParam("id"));
            if (t == null) throw new ApiException(404, "task_id: no such task on this server");
            ok(ctx, Map.of("task_id", t.id(), "cancelled", queue.cancel(t.id())));
        });
        app.before("/v1/tasks/{id}/events", ctx -> {
            String accept = ctx.header("Accept");
            if (accept == null || !accept.contains("text/event-stream"))
                throw new ApiException(406, "this is a server-sent event stream: send 'Accept: text/event-stream'");
        });
        app.sse("/v1/tasks/{id}/events", client -> {
            var ctx = client.ctx();
            try {
                authorize(ctx, null);
            } catch (ApiException e) {
                client.sendEvent("error", Envelope.error(e.status(), e.getMessage()).toString());
                client.close();
                return;
            }
            String id = ctx.pathParam("id");
            if (id.length() > 100 || queue.view(id) == null) {
                client.sendEvent("error", Envelope.error(404, "task_id: no such task on this server").toString());
                client.close();
                return;
            }
            streams.open(client, id);
        });
        app.get("/v1/tasks", ctx -> {
            authorize(ctx, null);
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (TaskView t : queue.list()) out.add(ResultJson.of(t));
            ok(ctx, out);
        });

        app.exception(ApiException.class, (e, ctx) -> fail(ctx, e.status(), e.getMessage()));
        // The engine's refusals, wherever a handler lets one through: a 400 naming the field by its API name.
        app.exception(BadRequestException.class, (e, ctx) -> fail(ctx, 400, e.wordedFor(FieldNames.JSON)));
        app.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, e.getStatus() >= 400 && e.getStatus() < 600 ? e.getStatus() : 400,
                e.getMessage() == null || e.getMessage().isBlank() ? "bad request" : e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            // Anything else is this server's fault, never the client's input: said without a trace, logged with one.
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            fail(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); the server log has the details");
        });
        app.error(404, ctx -> { if (ctx.result() == null || ctx.result().isEmpty()) fail(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path()); });
        app.error(405, ctx -> fail(ctx, 405, "method not allowed: " + ctx.method() + " " + ctx.path()));
    }

    private void releaseTask(Context ctx) {
        Params given = params(ctx, true);
        authorize(ctx, given);
        Params p = withLoraInForce(given);
        String ext = TaskMapper.extension(p);
        List<Path> saved = new ArrayList<>();
        try {
            Path source = audioInput(ctx, p, saved, "src_audio", new String[]{"src_audio", "ctx_audio"},
                    new String[]{"src_audio_path", "srcAudioPath"});
            Path reference = audioInput(ctx, p, saved, "reference_audio", new String[]{"reference_audio", "ref_audio"},
                    new String[]{"reference_audio_path", "referenceAudioPath", "ref_audio_path"});
            String id = UUID.randomUUID().toString();
            Path out = outputs.root().resolve(id).resolve("audio." + ext);
            RenderRequest request;
            try {
                request = mapper.map(p, source, reference, out);   // every value checked before anything is queued
            } catch (BadRequestException e) {
                throw ApiException.badRequest(e.wordedFor(FieldNames.JSON));
            }
            Map<String, Path> files = new LinkedHashMap<>();
            if (source != null) files.put("src_audio", source);
            if (reference != null) files.put("reference_audio", reference);
            queue.submit(new Job(id, pinSeeds(p.toJson(), request), files, request.music().caption(), request.music().lyrics(),
                    System.currentTimeMillis()));
            TaskView t = queue.view(id);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("task_id", id);
            data.put("status", "queued");
            data.put("queue_position", t == null ? 1 : Math.max(1, t.position()));
            ok(ctx, data);
            saved.clear();
        } finally {
            for (Path f : saved) deleteUpload(f);   // a refused request keeps none of its uploads
        }
    }

    /** The task's fields with the adapter loaded by /v1/lora/load, unless the task names its own (lora_path). */
    private Params withLoraInForce(Params p) {
        Object[] inForce = lora.inForce();
        if (inForce == null || p.has("lora_path", "loraPath")) return p;
        var fields = p.toJson();
        fields.put("lora_path", (String) inForce[0]);
        fields.put("lora_scale", (Double) inForce[1]);
        return Params.ofJson(fields);
    }

    /**
     * The fields with the seeds drawn now, so that the render is the same wherever and however often it runs (a
     * worker that dies mid-render has its job rendered again by another).
     */
    private static com.fasterxml.jackson.databind.node.ObjectNode pinSeeds(com.fasterxml.jackson.databind.node.ObjectNode fields, RenderRequest r) {
        List<Long> given = r.sampling().seeds();
        List<String> seeds = new ArrayList<>();
        var rnd = java.util.concurrent.ThreadLocalRandom.current();
        if (given.isEmpty()) for (int i = 0; i < r.batch(); i++) seeds.add(Long.toString(rnd.nextLong() & 0xFFFFFFFFL));
        else for (long s : given) seeds.add(Long.toString(s == -1 ? rnd.nextLong() & 0xFFFFFFFFL : s));
        for (String alias : new String[]{"useRandomSeed", "seeds"}) fields.remove(alias);
        fields.put("use_random_seed", false);
        fields.put("seed", String.join(",", seeds));
        return fields;
    }

    /** format_input: the LM rewrites caption and lyrics and fills the metadata it was not given. */
    private void formatInput(Context ctx) throws Exception {
        Params p = params(ctx, false);
        authorize(ctx, p);
        Params meta = p;
        String obj = p.text("param_obj", "paramObj");
        if (obj != null) {
            try {
                meta = Params.ofJson(Json.MAPPER.readTree(obj));
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("param_obj: is not a JSON object");
            }
        }
        Double temperature = p.decimal("temperature", "lm_temperature");
        var d = org.aceforge.engine.lm.LmOptions.defaults();
        var options = org.aceforge.engine.jobs.LmRequest.validate(new org.aceforge.engine.lm.LmOptions(
                temperature == null ? d.temperature() : temperature, d.cfgScale(), d.topK(), d.topP(), d.negativePrompt(), true, true, true));
        Double duration = meta.decimal("duration", "audio_duration");
        String ts = meta.text("time_signature", "timesignature", "timeSignature");
        Integer timesig = null;
        if (ts != null) {
            try {
                timesig = Integer.parseInt(ts.strip().split("/")[0]);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("time_signature: '" + ts + "' is not 2, 3, 4 or 6");
            }
        }
        var given = new org.aceforge.engine.lm.LmPlanner.Given(p.text("prompt", "caption"), p.text("lyrics"), meta.integer("bpm"),
                meta.text("key", "key_scale", "keyscale", "keyScale"), timesig, duration == null ? null : (int) Math.round(duration),
                meta.text("language", "vocal_language"));
        var sample = format(given, options);
        var m = sample.metadata();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("caption", m.caption());
        out.put("lyrics", sample.lyrics());
        out.put("bpm", m.bpm());
        out.put("key_scale", m.keyscale());
        out.put("time_signature", m.timesignature() == null ? null : m.timesignature().toString());
        out.put("duration", m.duration());
        out.put("vocal_language", m.language());
        ok(ctx, out);
    }

    private Map<String, Object> upload(Path p) throws IOException {
        String name = p.getFileName().toString();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sha256", name.substring(0, name.indexOf('.')));
        out.put("path", uploads.folder().root().relativize(p).toString().replace('\\', '/'));
        out.put("bytes", Files.size(p));
        return out;
    }

    /** An uploaded file (saved and checked) or a path naming an earlier result or upload; null when neither is given. */
    private Path audioInput(Context ctx, Params p, List<Path> saved, String name, String[] fileFields, String[] pathFields) {
        for (String f : fileFields) {
            UploadedFile file = isMultipart(ctx) ? ctx.uploadedFile(f) : null;
            if (file != null) {
                Path s = uploads.save(name, file);
                saved.add(s);
                return s;
            }
        }
        String hashField = pathFields[0].replace("_path", "_sha256");
        String hash = p.text(hashField, pathFields[1].replace("Path", "Sha256"));
        if (hash != null) {
            Path byHash = uploads.byHash(hash.strip().toLowerCase(Locale.ROOT));
            if (byHash == null) throw ApiException.badRequest(hashField + ": no upload with this hash on this server; POST the file to /v1/uploads");
            return byHash;
        }
        String given = p.text(pathFields);
        if (given == null) return null;
        Path found = outputs.find(given);
        if (found == null) found = uploads.folder().find(given);
        if (found == null)
            throw ApiException.badRequest(pathFields[0] + ": only this server's results and uploads can be used as audio; upload the file as " + name);
        return found;
    }

    private void deleteUpload(Path f) {
        try {
            Files.deleteIfExists(f);
            Files.deleteIfExists(f.getParent());
        } catch (IOException ignored) {
            // left for the operator
        }
    }

    private static boolean isMultipart(Context ctx) {
        String ct = ctx.contentType();
        return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** The request's fields from JSON, a form or a multipart form; 415 for other bodies. */
    private static Params params(Context ctx, boolean multipartAllowed) {
        String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (ct.startsWith("application/x-www-form-urlencoded") || (multipartAllowed && ct.startsWith("multipart/form-data"))) {
            try {
                return Params.ofForm(ctx.formParamMap());
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) {
                throw tooLargeOrBad(e);
            }
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) return Params.ofJson(null);
        if (!ct.isEmpty() && !ct.startsWith("application/json") && !ct.startsWith("text/plain"))
            throw new ApiException(415, "Content-Type " + ct.split(";")[0] + " is not supported: send application/json, a form or multipart/form-data");
        try {
            return Params.ofJson(Json.MAPPER.readTree(new String(body, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static ApiException tooLargeOrBad(RuntimeException e) {
        String m = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        if (m.toLowerCase(Locale.ROOT).contains("exceed") || m.toLowerCase(Locale.ROOT).contains("too large"))
            return new ApiException(413, "the upload is too large: files of at most the server's limit are accepted");
        return ApiException.badRequest("the form could not be read");
    }

    /** The API key from the Authorization header or the ai_token field, compared in constant time. */
    private void authorize(Context ctx, Params p) {
        if (keyDigest == null) return;
        String h = ctx.header("Authorization");
        String given = null;
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) given = h.substring(7).strip();
        if (given == null && p != null) {
            try {
                given = p.text("ai_token", "aiToken");
            } catch (ApiException e) {
                given = null;
            }
        }
        if (given == null) given = ctx.queryParam("ai_token");
        if (given == null || !MessageDigest.isEqual(digest(given), keyDigest))
            throw new ApiException(401, "unauthorized: send the API key as 'Authorization: Bearer KEY' or in ai_token");
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> models() {
        List<Map<String, Object>> list = new ArrayList<>();
        String def = null;
        try {
            ModelPack pack = settings.models() != null ? new ModelPack(settings.models()) : org.aceforge.engine.jobs.ModelLocator.defaultPack();
            for (ModelPack.Variant v : pack.installedVariants()) {
                String name = pack.dit(v).getFileName().toString();
                if (list.stream().anyMatch(m -> m.get("name").equals(name))) continue;
                if (def == null) def = name;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("is_default", name.equals(def));
                m.put("variant", v.id());
                list.add(m);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("listing models: {}", e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", list);
        out.put("default_model", def);
        return out;
    }

    private static void ok(Context ctx, Object data) {
        ctx.status(200).contentType("application/json").result(Envelope.ok(data).toString());
    }

    private static void fail(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(Envelope.error(status, message).toString());
    }

    /** The LM's rewrite of a caption and lyrics on this node's workers; 503 on a node without workers. */
    private org.aceforge.engine.lm.LmPlanner.Sample format(org.aceforge.engine.lm.LmPlanner.Given given,
                                                          org.aceforge.engine.lm.LmOptions options) throws Exception {
        if (service == null) throw new ApiException(503, "this node has no workers (--workers 0): it cannot run the LM");
        long seed = java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 30);
        try {
            return service.withLm(settings.models(), null, settings.int8(), pl -> pl.format(given, false, options, seed, (ph, d, t) -> { }))
                    .get(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (c instanceof BadRequestException b) throw ApiException.badRequest(b.wordedFor(FieldNames.JSON));
            if (c instanceof org.aceforge.engine.model.ModelFolderException m) throw ApiException.badRequest("lm_model_path: " + m.getMessage());
            throw e;
        }
    }

    @Override
    public void close() {
        streams.close();
        app.stop();
        queue.close();
        if (service != null) service.close();
    }
}
