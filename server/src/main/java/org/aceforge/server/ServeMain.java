package org.aceforge.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code aceforge serve}: the ACE-Step REST API on this machine. Exit 2 for bad options, 1 when it cannot start. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the ACE-Step REST API (release_task, query_result, /v1/audio, …) with AceForge's engine.")
public final class ServeMain implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for every network).")
    String host = envOr("ACESTEP_API_HOST", "127.0.0.1");

    @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}).")
    int port = Integer.parseInt(envOr("ACESTEP_API_PORT", Integer.toString(ServerSettings.DEFAULT_PORT)));

    @Option(names = "--api-key", description = "Key clients must send (Authorization: Bearer KEY or ai_token); default: $ACESTEP_API_KEY, else none.")
    String apiKey = System.getenv("ACESTEP_API_KEY");

    @Option(names = "--workers", description = "Renders at once on this node (default ${DEFAULT-VALUE}; 0: accept and answer, render nothing).")
    int workers = 1;

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoints folder (default: your models, else the demo pack).")
    Path model;

    @Option(names = "--folder", paramLabel = "DIR", description = "Where results and uploads are kept (default ~/.cache/aceforge/server).")
    Path folder;

    @Option(names = "--max-queue", description = "Tasks queued or running before release_task answers 429 (default ${DEFAULT-VALUE}).")
    int maxQueue = Integer.parseInt(envOr("ACESTEP_QUEUE_MAXSIZE", "200"));

    @Option(names = "--max-upload-mb", description = "Largest uploaded audio file in MB (default ${DEFAULT-VALUE}).")
    int maxUploadMb = 200;

    @Option(names = "--max-batch", description = "Largest batch_size (1 to 8, default ${DEFAULT-VALUE}).")
    int maxBatch = 8;

    @Option(names = "--queue", paramLabel = "redis://HOST:PORT", description = "Share one job queue with every server on this Redis (Redis Streams): any node accepts, any worker renders.")
    String queue;

    @Option(names = "--claim-seconds", description = "With --queue: a job whose worker is silent this long is taken over by another (default ${DEFAULT-VALUE}).")
    int claimSeconds = ServerSettings.DEFAULT_CLAIM_SECONDS;

    @Option(names = "--int8", description = "Render on INT8 weights unless a request says int8=false.")
    boolean int8;

    private static String envOr(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }

    ServerSettings settings() {
        if (port < 0 || port > 65535) throw new CommandLine.ParameterException(new CommandLine(this), "--port " + port + " is out of range: use 0 to 65535");
        if (workers < 0 || workers > 64) throw new CommandLine.ParameterException(new CommandLine(this), "--workers " + workers + " is out of range: use 0 to 64");
        if (maxQueue < 1) throw new CommandLine.ParameterException(new CommandLine(this), "--max-queue " + maxQueue + " is out of range: use 1 or more");
        if (maxUploadMb < 1 || maxUploadMb > 4096) throw new CommandLine.ParameterException(new CommandLine(this), "--max-upload-mb " + maxUploadMb + " is out of range: use 1 to 4096");
        if (maxBatch < 1 || maxBatch > 8) throw new CommandLine.ParameterException(new CommandLine(this), "--max-batch " + maxBatch + " is out of range: use 1 to 8");
        if (host == null || host.isBlank()) throw new CommandLine.ParameterException(new CommandLine(this), "--host is empty");
        if (queue != null) {
            java.net.URI u;
            try {
                u = java.net.URI.create(queue.strip());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--queue " + queue + " is not a URL: use redis://HOST:PORT");
            }
            if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null)
                throw new CommandLine.ParameterException(new CommandLine(this), "--queue " + queue + " is not a Redis URL: use redis://HOST:PORT");
        }
        if (claimSeconds < 5 || claimSeconds > 86400) throw new CommandLine.ParameterException(new CommandLine(this), "--claim-seconds " + claimSeconds + " is out of range: use 5 to 86400");
        Path f = folder != null ? folder : org.aceforge.engine.runtime.GraphCache.cacheRoot().resolve("server");
        return new ServerSettings(host, port, apiKey == null || apiKey.isBlank() ? null : apiKey, workers, model, f, maxQueue, maxUploadMb, maxBatch, int8,
                queue == null ? null : queue.strip(), claimSeconds);
    }

    @Override
    public Integer call() throws Exception {
        ServerSettings s = settings();
        ApiServer server;
        try {
            server = new ApiServer(s).start();
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof BindException)) c = c.getCause();
            if (c instanceof BindException)
                System.err.println("aceforge: --port " + s.port() + " on " + s.host() + " cannot be used (" + c.getMessage() + ")");
            else System.err.println("aceforge: the server could not start: " + e.getMessage());
            return 1;
        }
        System.out.printf("AceForge serving the ACE-Step API on http://%s:%d (API key %s, %d worker%s, results in %s, queue %s)%n",
                s.host(), server.port(), s.apiKey() == null ? "off" : "on", s.workers(), s.workers() == 1 ? "" : "s", s.outputs(),
                s.queue() == null ? "this process" : s.queue());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; returns its exit code (2 for bad options, 1 when the server cannot start). */
    static int run(String... args) {
        CommandLine cl = new CommandLine(new ServeMain());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("aceforge: " + ex.getMessage());
            return BAD_INPUT;
        });
        return cl.execute(args);
    }
}
