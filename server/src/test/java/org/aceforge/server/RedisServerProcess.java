package org.aceforge.server;

import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real redis-server (the Debian package) on a free loopback port, with AOF, in a folder under target/. */
final class RedisServerProcess implements AutoCloseable {
    final int port;
    private final Path dir;
    private Process process;

    RedisServerProcess(Path dir) throws Exception {
        assumeTrue(onPath("redis-server"), "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        this.dir = dir;
        Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        start();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws Exception {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (JedisPooled j = new JedisPooled("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > end) throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
                Thread.sleep(100);
            }
        }
    }

    /** Kills it without warning (SIGKILL): with appendfsync always, everything it acknowledged is in the AOF. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) kill();
    }
}
