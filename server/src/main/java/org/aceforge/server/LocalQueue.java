package org.aceforge.server;

import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.FieldNames;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks of one server alone: accepted into a bounded queue, rendered by the engine's {@link RenderService} on
 * {@code workers} threads (none: tasks wait), kept for query_result after they end (the newest
 * {@link #KEEP_FINISHED}; their files stay in the output folder).
 */
final class LocalQueue implements TaskQueue {
    static final int KEEP_FINISHED = 5000;
    private static final int AVERAGE_WINDOW = 50;

    /** One task's state: written by the worker thread that renders it, read by request threads (volatile fields). */
    private static final class Entry {
        final Job job;
        final long order;
        volatile TaskView.Status status = TaskView.Status.QUEUED;
        volatile double progress;
        volatile String stage = "queued", items = "[]", error;
        volatile RenderJob render;
        volatile long startedNanos, endedNanos;

        Entry(Job job, long order) {
            this.job = job;
            this.order = order;
        }
    }

    private final ServerSettings settings;
    private final RenderService service;
    private final JobRunner runner;
    private final Map<String, Entry> tasks = new ConcurrentHashMap<>();
    private final Deque<Entry> finished = new ArrayDeque<>();
    private final Deque<Double> recentSeconds = new ArrayDeque<>();
    private final AtomicLong order = new AtomicLong();
    private long total, succeeded, failed;

    LocalQueue(ServerSettings settings, RenderService service, JobRunner runner) {
        this.settings = settings;
        this.service = service;
        this.runner = runner;
    }

    @Override
    public void submit(Job job) {
        Entry e;
        synchronized (this) {
            if (active() >= settings.maxQueue())
                throw new ApiException(429, "the server is busy: " + settings.maxQueue() + " tasks are queued or running; try again later");
            e = new Entry(job, order.incrementAndGet());
            tasks.put(job.id(), e);
            total++;
        }
        if (service == null) return;   // a node that renders nothing: the task waits
        try {
            RenderJob render = runner.start(job, job.files(), p -> progress(e, p));
            e.render = render;
            render.result().whenComplete((r, x) -> {
                if (x == null) {
                    e.items = runner.items(job, r);
                    end(e, TaskView.Status.SUCCEEDED, null);
                } else {
                    end(e, TaskView.Status.FAILED, message(x));
                }
            });
        } catch (BadRequestException x) {
            forget(e);
            throw ApiException.badRequest(x.wordedFor(FieldNames.JSON));
        } catch (org.aceforge.engine.model.ModelFolderException x) {
            forget(e);
            throw ApiException.badRequest("model: " + x.getMessage());
        }
    }

    private static void progress(Entry e, Progress p) {
        if (e.status == TaskView.Status.QUEUED && p.stage() != Progress.Stage.QUEUED) {
            e.startedNanos = System.nanoTime();
            e.status = TaskView.Status.RUNNING;
        }
        if (e.status == TaskView.Status.RUNNING) {
            e.progress = p.overall();
            e.stage = p.message() == null ? p.stage().name().toLowerCase(java.util.Locale.ROOT) : p.message();
        }
    }

    private synchronized void forget(Entry e) {
        tasks.remove(e.job.id());
        total--;
    }

    /** The first line of what went wrong, in the API's words when the engine refused a value. */
    static String message(Throwable x) {
        Throwable c = x instanceof java.util.concurrent.CompletionException && x.getCause() != null ? x.getCause() : x;
        if (c instanceof BadRequestException b) return b.wordedFor(FieldNames.JSON);
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private synchronized void end(Entry e, TaskView.Status status, String error) {
        if (e.status.finished()) return;
        if (e.startedNanos == 0) e.startedNanos = System.nanoTime();
        e.endedNanos = System.nanoTime();
        e.error = error;
        e.progress = status == TaskView.Status.SUCCEEDED ? 1 : e.progress;
        e.stage = status == TaskView.Status.SUCCEEDED ? "done" : "failed";
        e.render = null;
        e.status = status;
        if (status == TaskView.Status.SUCCEEDED) succeeded++;
        else failed++;
        recentSeconds.addLast((e.endedNanos - e.startedNanos) / 1e9);
        if (recentSeconds.size() > AVERAGE_WINDOW) recentSeconds.removeFirst();
        finished.addLast(e);
        while (finished.size() > KEEP_FINISHED) tasks.remove(finished.removeFirst().job.id());
    }

    @Override
    public TaskView view(String id) {
        Entry e = tasks.get(id);
        return e == null ? null : view(e);
    }

    private TaskView view(Entry e) {
        return new TaskView(e.job.id(), e.status, e.progress, e.stage, position(e), e.items, e.error);
    }

    private int position(Entry e) {
        if (e.status != TaskView.Status.QUEUED) return 0;
        int before = 0;
        for (Entry o : tasks.values()) if (o.status == TaskView.Status.QUEUED && o.order < e.order) before++;
        return before + 1;
    }

    private synchronized int active() {
        int n = 0;
        for (Entry e : tasks.values()) if (!e.status.finished()) n++;
        return n;
    }

    @Override
    public synchronized Stats stats() {
        int queued = 0, running = 0;
        for (Entry e : tasks.values()) {
            if (e.status == TaskView.Status.QUEUED) queued++;
            else if (e.status == TaskView.Status.RUNNING) running++;
        }
        return Stats.of(new Stats.Jobs(total, queued, running, succeeded, failed), settings.maxQueue(),
                recentSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0), settings.workers(), null);
    }

    @Override
    public boolean cancel(String id) {
        Entry e = tasks.get(id);
        if (e == null || e.status.finished()) return false;
        RenderJob r = e.render;
        if (r != null) r.cancel();
        else end(e, TaskView.Status.FAILED, "cancelled");
        return true;
    }

    @Override
    public List<TaskView> list() {
        return tasks.values().stream().sorted(Comparator.comparingLong(e -> e.order)).map(this::view).toList();
    }

    @Override
    public Path resultFile(AudioFolder outputs, String relative) {
        return outputs.find(relative);
    }

    @Override
    public void close() {
        // the render service belongs to the server
    }
}
