package org.aceforge.server;

import io.javalin.http.sse.SseClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/tasks/{id}/events}: a task's progress as server-sent events (AceForge's, beside query_result):
 * {@code progress} events with query_result's entry whenever it changes, then one {@code done} event and the end of
 * the stream. One scheduler thread looks at every open stream four times a second, so a stream holds no request
 * thread; at most {@link #MAX_STREAMS} are open at once (the next is refused with 429).
 */
final class ProgressStream implements AutoCloseable {
    static final int MAX_STREAMS = 200;
    private final TaskQueue queue;
    private final Map<SseClient, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aceforge-progress-stream");
        t.setDaemon(true);
        return t;
    });

    private static final class Watch {
        final String id;
        String last = "";

        Watch(String id) {
            this.id = id;
        }
    }

    ProgressStream(TaskQueue queue) {
        this.queue = queue;
        ticker.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** Starts streaming a task the caller checked exists. */
    void open(SseClient client, String id) {
        if (watches.size() >= MAX_STREAMS) {
            client.sendEvent("error", Envelope.error(429, "too many progress streams are open; poll query_result instead").toString());
            client.close();
            return;
        }
        client.keepAlive();
        client.onClose(() -> watches.remove(client));
        watches.put(client, new Watch(id));
    }

    private void tick() {
        for (var e : watches.entrySet()) {
            SseClient client = e.getKey();
            Watch w = e.getValue();
            try {
                TaskView t = queue.view(w.id);
                if (t == null) {
                    client.sendEvent("error", Envelope.error(404, "task_id: no such task on this server").toString());
                    end(client);
                    continue;
                }
                String now = ResultJson.of(t).toString();
                if (!now.equals(w.last)) {
                    w.last = now;
                    client.sendEvent(t.status().finished() ? "done" : "progress", now);
                }
                if (t.status().finished()) end(client);
            } catch (RuntimeException ex) {
                // a client gone or the queue unreachable for a moment: try again next tick, or drop a closed client
                if (client.terminated()) watches.remove(client);
            }
        }
    }

    private void end(SseClient client) {
        watches.remove(client);
        client.close();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (SseClient c : watches.keySet()) c.close();
        watches.clear();
    }
}
