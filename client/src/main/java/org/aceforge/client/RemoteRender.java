package org.aceforge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.jobs.CancelledException;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.ProgressListener;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One render on a server, followed from here to the files on this machine: the source and reference uploaded once per
 * content hash, {@code release_task}, {@code query_result} until it ends (a lost connection is said in the progress
 * message and polling goes on: a finished result stays on the server until it is fetched), then every file downloaded
 * whole into the request's own output names, with its sidecar and lyrics. A cancel asks the server to stop. Runs on
 * one follower thread of {@link RemoteRenderer}.
 */
final class RemoteRender implements Runnable {
    /** Attempts for a step that changes nothing when repeated before the task exists (upload, connect). */
    private static final int ATTEMPTS = 4;
    private final ServerConnection server;
    private final RenderJob job;
    private final ProgressListener listener;
    private final Duration poll;
    private final RenderRequest request;
    private double lastOverall;

    RemoteRender(ServerConnection server, RenderJob job, ProgressListener listener, Duration poll) {
        this.server = server;
        this.job = job;
        this.listener = listener;
        this.poll = poll;
        this.request = job.request();
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        try {
            job.result().complete(follow(t0));
        } catch (InterruptedException e) {
            job.result().completeExceptionally(new CancelledException());
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            job.result().completeExceptionally(e);
        }
    }

    private RenderResult follow(long t0) throws Exception {
        report(0, "Sending to " + server.address() + "…");
        String source = request.source() == null ? null : uploaded(request.source());
        String reference = request.music().reference() == null ? null : uploaded(request.music().reference());
        ObjectNode fields = ApiFields.of(request, source, reference);
        checkCancel();
        String id = beforeTask(() -> server.post("/release_task", fields), true).path("task_id").asText(null);
        if (id == null || id.isBlank()) throw new IOException("the server's answer to release_task has no task_id");
        JsonNode done = await(id);
        return download(done, t0);
    }

    /** The upload hash of a file, uploading it unless the server already holds it. */
    private String uploaded(Path file) throws Exception {
        String sha = sha256(file);
        beforeTask(() -> {
            try {
                return server.get("/v1/uploads/" + sha);
            } catch (ServerException e) {
                if (e.status() != 404) throw e;
                report(0, "Uploading " + file.getFileName() + " to " + server.address() + "…");
                return server.upload("/v1/uploads", "file", file);
            }
        }, false);
        return sha;
    }

    /** Follows the task until it ends; the query_result entry of a succeeded task. */
    private JsonNode await(String id) throws Exception {
        boolean cancelSent = false;
        long backoff = poll.toMillis();
        while (true) {
            if (job.cancelRequested() && !cancelSent) {
                try {
                    server.post("/v1/tasks/" + id + "/cancel", ServerConnection.object());
                    cancelSent = true;
                } catch (IOException | ServerException e) {
                    // Out of reach: the render is given up here; the server finishes it on its own.
                    throw new CancelledException();
                }
            }
            JsonNode t;
            try {
                ObjectNode q = ServerConnection.object();
                q.putArray("task_id_list").add(id);
                t = server.post("/query_result", q).path(0);
                backoff = poll.toMillis();
            } catch (IOException | ServerException e) {
                if (e instanceof ServerException s && s.refused()) throw s;
                report(lastOverall, "Connection to " + server.address() + " lost (" + reason(e) + "); retrying…");
                Thread.sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
                continue;
            }
            int status = t.path("status").asInt(0);
            if (status == 1) return t;
            if (status == 2) {
                if (job.cancelRequested()) throw new CancelledException();
                String error = t.path("error").asText("");
                throw new ServerException(500, "the render failed on " + server.address() + ": "
                        + (error.isBlank() ? "no reason given" : error));
            }
            int position = t.path("queue_position").asInt(0);
            String stage = t.path("stage").asText("");
            report(t.path("progress").asDouble(0), "queued".equals(stage) || stage.isBlank()
                    ? "Queued on " + server.address() + (position > 0 ? " (position " + position + ")" : "")
                    : server.address() + ": " + stage);
            Thread.sleep(poll.toMillis());
        }
    }

    /** Every file of a succeeded task into this machine's output names (retrying until fetched or cancelled). */
    private RenderResult download(JsonNode task, long t0) throws Exception {
        JsonNode entries = ServerConnection.JSON.readTree(task.path("result").asText("[]"));
        List<RenderResult.Item> items = new ArrayList<>();
        boolean demo = false;
        int i = 0;
        for (JsonNode e : entries) {
            i++;
            long seed = e.path("seed").asLong(0);
            Path audio = request.audioPath(i, seed);
            String url = e.path("file").asText("");
            report(0.98, "Downloading " + audio.getFileName() + " from " + server.address() + "…");
            long backoff = poll.toMillis();
            while (true) {
                checkCancel();
                try {
                    server.download(url, audio);
                    break;
                } catch (IOException | ServerException x) {
                    if (x instanceof ServerException s && s.refused()) throw s;
                    report(0.98, "Connection to " + server.address() + " lost while downloading (" + reason(x) + "); retrying…");
                    Thread.sleep(backoff);
                    backoff = Math.min(5000, backoff * 2);
                }
            }
            Path sidecar = null;
            if (e.path("sidecar").isObject()) {
                ObjectNode side = (ObjectNode) e.path("sidecar");
                side.put("audio", audio.toAbsolutePath().toString());
                if (request.source() != null) side.put("source", request.source().toAbsolutePath().toString());
                side.put("rendered_on", server.address().toString());
                demo |= side.path("model").path("demo_pack").asBoolean(false);
                sidecar = RenderRequest.besideAudio(audio, ".json");
                write(sidecar, ServerConnection.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(side));
            }
            if (e.path("lrc").isTextual()) write(RenderRequest.besideAudio(audio, ".lrc"), e.path("lrc").asText());
            items.add(new RenderResult.Item(audio, sidecar, seed, e.path("metas").path("duration").asDouble(0)));
        }
        if (items.isEmpty()) throw new IOException("the server reported success but listed no files");
        report(1, "Done on " + server.address());
        return new RenderResult(items, demo, (System.nanoTime() - t0) / 1e9);
    }

    /** A step before the task exists: retried while the server cannot be reached; {@code connectOnly}: only when nothing was sent. */
    private JsonNode beforeTask(Step step, boolean connectOnly) throws Exception {
        for (int attempt = 1; ; attempt++) {
            checkCancel();
            try {
                return step.run();
            } catch (IOException e) {
                boolean unsent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
                if (attempt >= ATTEMPTS || (connectOnly && !unsent))
                    throw new IOException("cannot reach " + server.address() + ": " + reason(e), e);
                report(0, "Cannot reach " + server.address() + " (" + reason(e) + "); retrying…");
                Thread.sleep(500L << attempt);
            }
        }
    }

    private interface Step {
        JsonNode run() throws IOException, InterruptedException;
    }

    private void checkCancel() {
        if (job.cancelRequested()) throw new CancelledException();
    }

    private void report(double overall, String message) {
        lastOverall = Math.max(lastOverall, overall);
        Progress p = Progress.atOverall(overall, message);
        job.report(p);
        listener.onProgress(p);
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof java.net.http.HttpTimeoutException) return "no answer";
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static void write(Path target, String text) throws IOException {
        Path part = Files.createTempFile(target.toAbsolutePath().getParent(), ".result", ".part");
        try {
            Files.writeString(part, text, StandardCharsets.UTF_8);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
