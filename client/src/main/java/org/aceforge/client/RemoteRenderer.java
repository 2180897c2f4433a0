package org.aceforge.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.aceforge.engine.jobs.ProgressListener;
import org.aceforge.engine.jobs.RenderBackend;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renders on an AceForge server (or any server speaking the ACE-Step REST API with AceForge's upload endpoints):
 * the same requests, progress, cancel and result files as this machine's {@code RenderService}. Each job is followed
 * by a thread of its own, so a slow or lost server never holds the caller. Any thread.
 */
public final class RemoteRenderer implements RenderBackend, AutoCloseable {
    private final ServerConnection server;
    private final Duration poll;
    private final ExecutorService followers;

    public RemoteRenderer(ServerAddress address) {
        this(address, Duration.ofMillis(500));
    }

    /** {@code poll}: how often a running task is asked for (tests make it short). */
    public RemoteRenderer(ServerAddress address, Duration poll) {
        this.server = new ServerConnection(address);
        this.poll = poll;
        AtomicInteger n = new AtomicInteger();
        this.followers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aceforge-remote-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ServerAddress address() { return server.address(); }

    /**
     * Any thread. The request is checked here as this machine would check it (its source must exist here, its values
     * be in range), so a refusal names the field before anything is sent.
     */
    @Override
    public RenderJob submit(RenderRequest request, ProgressListener listener) {
        request.validate();
        ApiFields.of(request, null, null);   // what cannot be sent is refused now, not on the follower thread
        RenderJob job = RenderJob.elsewhere(request);
        followers.submit(new RemoteRender(server, job, listener, poll));
        return job;
    }

    /**
     * Any thread (not the UI's: it waits for the network). One line on the server: its engine, models and queue, or
     * why it cannot be used (unreachable, wrong key, not an API server).
     */
    public static String check(ServerAddress address) throws IOException, InterruptedException {
        ServerConnection c = new ServerConnection(address);
        JsonNode health = c.get("/health");
        JsonNode models = c.get("/v1/models");   // needs the key: a wrong one is said here, not at the first render
        JsonNode stats = c.get("/v1/stats");
        String engine = health.path("engine").asText(health.path("service").asText("ACE-Step API"));
        return engine + " at " + address + ": model " + models.path("default_model").asText("?")
                + ", " + stats.path("jobs").path("queued").asInt(0) + " queued, " + stats.path("jobs").path("running").asInt(0) + " running";
    }

    @Override
    public void close() {
        followers.shutdownNow();
    }
}
