package org.aceforge.server;

import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.FieldNames;
import org.aceforge.engine.runtime.GraphCache;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks of one server: accepted into a bounded queue, rendered by the engine's {@link RenderService} on
 * {@code workers} threads (none: tasks wait), kept for query_result after they end (the newest
 * {@link #KEEP_FINISHED}; their files stay in the output folder). Request threads call every method.
 */
final class LocalQueue implements AutoCloseable {
    static final int KEEP_FINISHED = 5000;
    private static final int AVERAGE_WINDOW = 50;

    private final ServerSettings settings;
    private final RenderService service;
    private final Map<String, TaskState> tasks = new ConcurrentHashMap<>();
    private final Deque<TaskState> finished = new ArrayDeque<>();
    private final Deque<Double> recentSeconds = new ArrayDeque<>();
    private final AtomicLong order = new AtomicLong();
    private long total, succeeded, failed;

    LocalQueue(ServerSettings settings) {
        this.settings = settings;
        this.service = settings.workers() > 0 ? new RenderService(settings.workers(), GraphCache.defaultCache()) : null;
    }

    /** Queues a render; 429 when the queue is full. The request was validated; the service may still refuse it (400). */
    TaskState submit(String id, RenderRequest request) {
        TaskState t;
        synchronized (this) {
            if (active() >= settings.maxQueue())
                throw new ApiException(429, "the server is busy: " + settings.maxQueue() + " tasks are queued or running; try again later");
            t = new TaskState(id, order.incrementAndGet(), request.music().caption(), request.music().lyrics());
            tasks.put(id, t);
            total++;
        }
        if (service == null) return t;   // a node that renders nothing: the task waits
        try {
            RenderJob job = service.submit(request, t::progress, null);
            t.job = job;
            job.result().whenComplete((r, e) -> {
                if (e == null) t.succeeded(r);
                else t.failed(message(e));
                ended(t);
            });
        } catch (BadRequestException e) {
            forget(t);
            throw ApiException.badRequest(e.wordedFor(FieldNames.JSON));
        } catch (org.aceforge.engine.model.ModelFolderException e) {
            forget(t);
            throw ApiException.badRequest("model: " + e.getMessage());
        }
        return t;
    }

    private synchronized void forget(TaskState t) {
        tasks.remove(t.id);
        total--;
    }

    private static String message(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof BadRequestException b) return b.wordedFor(FieldNames.JSON);
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private synchronized void ended(TaskState t) {
        if (t.status == TaskState.Status.SUCCEEDED) succeeded++;
        else failed++;
        recentSeconds.addLast(t.seconds());
        if (recentSeconds.size() > AVERAGE_WINDOW) recentSeconds.removeFirst();
        finished.addLast(t);
        while (finished.size() > KEEP_FINISHED) tasks.remove(finished.removeFirst().id);
    }

    TaskState get(String id) {
        return tasks.get(id);
    }

    /** 1 for the next task to start, 0 for a task that is running or over. */
    int position(TaskState t) {
        if (t.status != TaskState.Status.QUEUED) return 0;
        int before = 0;
        for (TaskState o : tasks.values()) if (o.status == TaskState.Status.QUEUED && o.order < t.order) before++;
        return before + 1;
    }

    synchronized int active() {
        int n = 0;
        for (TaskState t : tasks.values()) if (!t.status.finished()) n++;
        return n;
    }

    /** /v1/stats' data. */
    synchronized Map<String, Object> stats() {
        int queued = 0, running = 0;
        for (TaskState t : tasks.values()) {
            if (t.status == TaskState.Status.QUEUED) queued++;
            else if (t.status == TaskState.Status.RUNNING) running++;
        }
        Map<String, Object> jobs = new LinkedHashMap<>();
        jobs.put("total", total);
        jobs.put("queued", queued);
        jobs.put("running", running);
        jobs.put("succeeded", succeeded);
        jobs.put("failed", failed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", jobs);
        out.put("queue_size", queued);
        out.put("queue_maxsize", settings.maxQueue());
        out.put("avg_job_seconds", recentSeconds.isEmpty() ? 0.0 : recentSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        out.put("workers", settings.workers());
        return out;
    }

    /** The LM's rewrite of a caption and lyrics (format_input), on a worker; 503 on a node without workers. */
    org.aceforge.engine.lm.LmPlanner.Sample format(java.nio.file.Path models, org.aceforge.engine.lm.LmPlanner.Given given,
                                                  boolean instrumental, org.aceforge.engine.lm.LmOptions options) throws Exception {
        if (service == null) throw new ApiException(503, "this node has no workers (--workers 0): it cannot run the LM");
        long seed = java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 30);
        try {
            return service.withLm(models, null, settings.int8(), p -> p.format(given, instrumental, options, seed, (ph, d, t) -> { }))
                    .get(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (c instanceof BadRequestException b) throw ApiException.badRequest(b.wordedFor(FieldNames.JSON));
            if (c instanceof org.aceforge.engine.model.ModelFolderException m) throw ApiException.badRequest("lm_model_path: " + m.getMessage());
            throw e;
        }
    }

    /** Cancels a task that has not ended (an AceForge endpoint); false when there is nothing to cancel. */
    boolean cancel(TaskState t) {
        var job = t.job;
        if (t.status.finished()) return false;
        if (job != null) job.cancel();
        else {
            t.failed("cancelled");
            ended(t);
        }
        return true;
    }

    List<TaskState> snapshot() {
        return tasks.values().stream().sorted(Comparator.comparingLong(s -> s.order)).toList();
    }

    @Override
    public void close() {
        if (service != null) service.close();
    }
}
