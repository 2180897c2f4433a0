package org.aceforge.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One job queue shared by every server on a Redis: a Redis Stream ({@code aceforge:jobs}) read by the consumer group
 * {@code workers}, so any node accepts a task and any worker renders it. Task state lives in a hash per task, so any
 * node answers query_result. Result files (and uploads) travel through Redis as values with a lifetime, so the nodes
 * share no folder: a node asked for a file it does not have fetches it into its own output folder.
 *
 * <p>Exactly one result per job: a worker owns a job while it renews its claim (XCLAIM on its own entry every quarter
 * of {@code claimSeconds}); a job idle longer than that is taken over by another worker (XAUTOCLAIM), which becomes
 * its owner, and a result is recorded only by the job's current owner and only once (a Lua script checks both), then
 * acknowledged. The seeds were drawn when the task was accepted, so a job rendered again gives the same audio.
 * Connections that fail are retried: a restarted Redis (with AOF, nothing queued is lost) is picked up again.
 */
final class RedisQueue implements TaskQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RedisQueue.class);
    static final String PREFIX = "aceforge:", STREAM = PREFIX + "jobs", GROUP = "workers", QUEUED = PREFIX + "queued",
            RUNNING = PREFIX + "running", STATS = PREFIX + "stats", ORDER = PREFIX + "order";
    /** Result files and uploads kept in Redis for a week; task records too, once finished. */
    static final long KEEP_SECONDS = 7 * 24 * 3600;
    /** Sets the result only if the task is not finished and the caller still owns it; counts it once. */
    private static final String FINISH = """
            local s = redis.call('HGET', KEYS[1], 'status')
            if s == 'succeeded' or s == 'failed' then return 0 end
            if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'items', ARGV[3], 'error', ARGV[4], 'progress', ARGV[5], 'stage', ARGV[6], 'seconds', ARGV[7])
            redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            redis.call('SREM', KEYS[3], ARGV[8])
            redis.call('ZREM', KEYS[4], ARGV[8])
            redis.call('EXPIRE', KEYS[1], ARGV[9])
            return 1
            """;

    private final ServerSettings settings;
    private final JobRunner runner;
    private final AudioFolder uploads;
    private final JedisPooled redis;
    private final String node = java.util.UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> workers = new ArrayList<>();

    RedisQueue(ServerSettings settings, JobRunner runner, AudioFolder uploads) {
        this.settings = settings;
        this.runner = runner;
        this.uploads = uploads;
        this.redis = new JedisPooled(URI.create(settings.queue()), 5000);
        ensureGroup();
        for (int i = 0; runner != null && i < settings.workers(); i++) {
            String consumer = node + "-" + i;
            Thread t = new Thread(() -> workLoop(consumer), "aceforge-redis-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void ensureGroup() {
        try {
            redis.xgroupCreate(STREAM, GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) throw e;
        }
    }

    private static String task(String id) {
        return PREFIX + "task:" + id;
    }

    private static String file(String relative) {
        return PREFIX + "file:" + relative;
    }

    // ---------- accepting ----------

    @Override
    public void submit(Job job) {
        try {
            long queued = redis.zcard(QUEUED) + redis.scard(RUNNING);
            if (queued >= settings.maxQueue())
                throw new ApiException(429, "the server is busy: " + settings.maxQueue() + " tasks are queued or running; try again later");
            ObjectNode payload = Json.MAPPER.createObjectNode();
            payload.set("fields", job.fields());
            ObjectNode files = payload.putObject("files");
            for (var f : job.files().entrySet()) {
                String key = PREFIX + "upload:" + job.id() + ":" + f.getKey();
                redis.set(key.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f.getValue()), SetParams.setParams().ex(KEEP_SECONDS));
                files.put(f.getKey(), AudioFolder.extension(f.getValue()));
            }
            long order = redis.incr(ORDER);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("status", "queued");
            h.put("progress", "0");
            h.put("stage", "queued");
            h.put("order", Long.toString(order));
            h.put("created", Long.toString(job.createdMillis()));
            h.put("prompt", job.prompt() == null ? "" : job.prompt());
            h.put("lyrics", job.lyrics() == null ? "" : job.lyrics());
            h.put("payload", payload.toString());
            redis.hset(task(job.id()), h);
            redis.zadd(QUEUED, order, job.id());
            redis.hincrBy(STATS, "total", 1);
            redis.xadd(STREAM, StreamEntryID.NEW_ENTRY, Map.of("id", job.id()));
        } catch (IOException e) {
            throw new ApiException(400, "an upload could not be read back: " + e.getMessage());
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private static ApiException unavailable(JedisException e) {
        return new ApiException(503, "the shared queue (Redis) cannot be reached; try again shortly");
    }

    @Override
    public TaskView view(String id) {
        try {
            Map<String, String> h = redis.hgetAll(task(id));
            if (h == null || h.isEmpty() || !h.containsKey("status")) return null;
            TaskView.Status status = switch (h.get("status")) {
                case "running" -> TaskView.Status.RUNNING;
                case "succeeded" -> TaskView.Status.SUCCEEDED;
                case "failed" -> TaskView.Status.FAILED;
                default -> TaskView.Status.QUEUED;
            };
            int position = 0;
            if (status == TaskView.Status.QUEUED) {
                Long rank = redis.zrank(QUEUED, id);
                position = rank == null ? 1 : rank.intValue() + 1;
            }
            String error = h.get("error");
            return new TaskView(id, status, parse(h.get("progress")), h.getOrDefault("stage", ""), position,
                    h.getOrDefault("items", "[]"), error == null || error.isEmpty() ? null : error);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private static double parse(String s) {
        try {
            return s == null ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Stats stats() {
        try {
            Map<String, String> s = redis.hgetAll(STATS);
            long ended = count(s, "succeeded") + count(s, "failed");
            var jobs = new Stats.Jobs(count(s, "total"), redis.zcard(QUEUED), redis.scard(RUNNING), count(s, "succeeded"), count(s, "failed"));
            return Stats.of(jobs, settings.maxQueue(), parse(s.get("seconds")) / Math.max(1, ended), settings.workers(), node);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private static long count(Map<String, String> s, String k) {
        return (long) parse(s.get(k));
    }

    @Override
    public boolean cancel(String id) {
        // A shared queue cancels a task that has not started: the worker that takes it finds it failed and skips it.
        try {
            Map<String, String> h = redis.hgetAll(task(id));
            if (!"queued".equals(h.get("status"))) return false;
            redis.hset(task(id), Map.of("status", "failed", "error", "cancelled", "stage", "failed"));
            redis.zrem(QUEUED, id);
            redis.hincrBy(STATS, "failed", 1);
            return true;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<TaskView> list() {
        List<TaskView> out = new ArrayList<>();
        try {
            for (String id : redis.zrange(QUEUED, 0, 999)) {
                TaskView v = view(id);
                if (v != null) out.add(v);
            }
            for (String id : redis.smembers(RUNNING)) {
                TaskView v = view(id);
                if (v != null) out.add(v);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
        return out;
    }

    @Override
    public Path resultFile(AudioFolder outputs, String relative) {
        Path local = outputs.find(relative);
        if (local != null) return local;
        if (relative == null || !relative.matches("[0-9a-f-]{36}/[A-Za-z0-9._-]{1,100}")) return null;
        try {
            byte[] bytes = redis.get(file(relative).getBytes(StandardCharsets.UTF_8));
            if (bytes == null) return null;
            Path target = outputs.root().resolve(relative);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".fetch", ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return outputs.find(relative);
        } catch (IOException e) {
            LOG.warn("fetching {}: {}", relative, e.getMessage());
            return null;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    // ---------- working ----------

    private void workLoop(String consumer) {
        long claimMillis = settings.claimSeconds() * 1000L;
        while (running.get()) {
            try {
                StreamEntry entry = takeOver(consumer, claimMillis);
                if (entry == null) {
                    var got = redis.xreadGroup(GROUP, consumer, XReadGroupParams.xReadGroupParams().count(1).block(1000),
                            Map.of(STREAM, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                    if (got == null || got.isEmpty() || got.get(0).getValue().isEmpty()) continue;
                    entry = got.get(0).getValue().get(0);
                }
                work(consumer, entry, claimMillis);
            } catch (JedisException e) {
                if (!running.get()) return;
                LOG.warn("shared queue: {} (retrying)", e.getMessage());
                sleep(1000);
            } catch (RuntimeException e) {
                LOG.error("shared queue worker", e);
                sleep(1000);
            }
        }
    }

    /** A job whose worker has been silent longer than the claim time, now ours; null when there is none. */
    private StreamEntry takeOver(String consumer, long claimMillis) {
        var r = redis.xautoclaim(STREAM, GROUP, consumer, claimMillis, new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(1));
        if (r == null || r.getValue() == null || r.getValue().isEmpty()) return null;
        StreamEntry e = r.getValue().get(0);
        if (e == null || e.getFields() == null) return null;
        LOG.info("taking over job {} from a silent worker", e.getFields().get("id"));
        return e;
    }

    private void work(String consumer, StreamEntry entry, long claimMillis) {
        String id = entry.getFields().get("id");
        Map<String, String> h = id == null ? Map.of() : redis.hgetAll(task(id));
        String status = h.get("status");
        if (id == null || h.isEmpty() || "succeeded".equals(status) || "failed".equals(status)) {
            redis.xack(STREAM, GROUP, entry.getID());
            return;
        }
        redis.hset(task(id), Map.of("owner", consumer, "status", "running", "stage", "starting", "node", node));
        redis.zrem(QUEUED, id);
        redis.sadd(RUNNING, id);
        AtomicBoolean done = new AtomicBoolean();
        Thread heartbeat = new Thread(() -> {
            while (!done.get()) {
                sleep(Math.max(250, claimMillis / 4));
                if (done.get()) return;
                try {
                    redis.xclaimJustId(STREAM, GROUP, consumer, 0, XClaimParams.xClaimParams(), entry.getID());
                } catch (JedisException e) {
                    LOG.warn("renewing the claim on {}: {}", id, e.getMessage());
                }
            }
        }, "aceforge-claim-" + id);
        heartbeat.setDaemon(true);
        heartbeat.start();
        long t0 = System.nanoTime();
        String items = "[]", error = null;
        try {
            ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(h.get("payload"));
            Map<String, Path> files = materialize(id, (ObjectNode) payload.path("files"));
            Job job = new Job(id, (ObjectNode) payload.get("fields"), files, h.get("prompt"), h.get("lyrics"), (long) parse(h.get("created")));
            RenderJob render = runner.start(job, files, p -> progress(id, p));
            RenderResult r = render.result().get(6, TimeUnit.HOURS);
            items = runner.items(job, r);
            for (RenderResult.Item i : r.items()) {
                String rel = ResultJson.relative(runner.outputs().root(), i.audio());
                redis.set(file(rel).getBytes(StandardCharsets.UTF_8), Files.readAllBytes(i.audio()), SetParams.setParams().ex(KEEP_SECONDS));
            }
        } catch (JedisException e) {
            done.set(true);
            throw e;   // Redis went away: the job stays pending and is taken over (or by us) once it is back
        } catch (Exception e) {
            error = LocalQueue.message(e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e);
        } finally {
            done.set(true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Object won = redis.eval(FINISH, List.of(task(id), STATS, RUNNING, QUEUED), List.of(consumer, error == null ? "succeeded" : "failed",
                items, error == null ? "" : error, error == null ? "1" : "0", error == null ? "done" : "failed",
                Double.toString(seconds), id, Long.toString(KEEP_SECONDS)));
        if (Long.valueOf(1).equals(won)) redis.hincrByFloat(STATS, "seconds", seconds);
        redis.xack(STREAM, GROUP, entry.getID());
    }

    private void progress(String id, Progress p) {
        try {
            redis.hset(task(id), Map.of("progress", Double.toString(p.overall()),
                    "stage", p.message() == null ? p.stage().name().toLowerCase(java.util.Locale.ROOT) : p.message()));
        } catch (JedisException e) {
            // progress is best effort; the result is not
        }
    }

    /** The job's uploads, from this node's upload folder or fetched from Redis. */
    private Map<String, Path> materialize(String id, ObjectNode files) throws IOException {
        Map<String, Path> out = new HashMap<>();
        for (var it = files.fields(); it.hasNext(); ) {
            var f = it.next();
            Path p = uploads.root().resolve("job-" + id).resolve(f.getKey() + "." + f.getValue().asText("bin"));
            if (!Files.isRegularFile(p)) {
                byte[] bytes = redis.get((PREFIX + "upload:" + id + ":" + f.getKey()).getBytes(StandardCharsets.UTF_8));
                if (bytes == null) throw new IOException(f.getKey() + ": the uploaded file has expired from the queue");
                Files.createDirectories(p.getParent());
                Files.write(p, bytes);
            }
            out.put(f.getKey(), p);
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : workers) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
    }
}
