package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three servers (separate JVMs, separate folders) on one real redis-server: 30 jobs sent round-robin, one server
 * killed while it renders, Redis killed and restarted once. Every job ends exactly once, succeeded, and its audio —
 * fetched from a node that did not render it — is the audio a local render gives for its seed.
 */
class ScaleOutTest {
    private static final int JOBS = 30;

    @Test
    void thirtyJobsThreeNodesOneKilledRedisRestarted() throws Exception {
        Path root = Path.of("target", "scale-out").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(root);
        Path models = DemoPackFixture.pack().root();
        try (RedisServerProcess redis = new RedisServerProcess(root.resolve("redis"))) {
            List<Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) nodes.add(Node.start(root.resolve("node" + i), redis.url(), models));
                List<ApiClient> clients = nodes.stream().map(n -> new ApiClient(n.port)).toList();
                List<String> ids = new ArrayList<>();
                for (int j = 0; j < JOBS; j++) {
                    ApiClient.Reply r = clients.get(j % 3).postJson("/release_task", "{\"prompt\": \"ambient pads\", \"audio_duration\": 10,"
                            + " \"batch_size\": 1, \"use_random_seed\": false, \"seed\": " + (1000 + j) + ", \"audio_format\": \"wav\"}");
                    assertEquals(200, r.status(), r.json().toString());
                    ids.add(r.data().path("task_id").asText());
                }
                // Kill node 0 while it renders a job (its claim then lapses and another worker takes the job).
                String node0 = clients.get(0).get("/v1/stats").data().path("node").asText();
                try (JedisPooled j = new JedisPooled("127.0.0.1", redis.port)) {
                    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (!runsOn(j, ids, node0)) {
                        assertTrue(System.nanoTime() < end, "node 0 never started a job");
                        Thread.sleep(20);
                    }
                }
                nodes.get(0).kill();
                // Redis down and up again while the other two work.
                Thread.sleep(1500);
                redis.kill();
                Thread.sleep(1500);
                redis.start();

                ApiClient survivor = clients.get(1);
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
                List<JsonNode> done = new ArrayList<>();
                for (String id : ids) {
                    while (true) {
                        ApiClient.Reply q = survivor.postJson("/query_result", "{\"task_id_list\": [\"" + id + "\"]}");
                        if (q.status() == 200 && q.data().get(0).path("status").asInt() != 0) {
                            done.add(q.data().get(0));
                            break;
                        }
                        assertTrue(System.nanoTime() < end, "job " + ids.indexOf(id) + " never finished: " + q.json());
                        Thread.sleep(200);
                    }
                }
                for (JsonNode t : done) assertEquals(1, t.path("status").asInt(), t.toString());
                try (JedisPooled j = new JedisPooled("127.0.0.1", redis.port)) {
                    Map<String, String> stats = j.hgetAll(RedisQueue.STATS);
                    assertEquals(Integer.toString(JOBS), stats.get("total"));
                    assertEquals(Integer.toString(JOBS), stats.get("succeeded"), "each job counted exactly once: " + stats);
                    assertTrue(stats.get("failed") == null || stats.get("failed").equals("0"), stats.toString());
                }
                // The audio of three jobs, fetched through node 2 (whatever node rendered them), against local renders.
                try (RenderService local = new RenderService(1, new GraphCache(root.resolve("local-graphs")))) {
                    TaskMapper mapper = new TaskMapper(new ServerSettings("127.0.0.1", 0, null, 1, models, root.resolve("local"), 10, 5, 8, false));
                    for (int j : new int[]{0, 13, 29}) {
                        JsonNode item = Json.MAPPER.readTree(done.get(j).path("result").asText()).get(0);
                        ApiClient.Reply audio = clients.get(2).get(item.path("file").asText());
                        assertEquals(200, audio.status(), "job " + j + "'s file through node 2");
                        Path mine = root.resolve("local").resolve("job" + j + ".wav");
                        var request = mapper.map(Params.ofJson(Json.MAPPER.readTree("{\"prompt\": \"ambient pads\", \"audio_duration\": 10,"
                                + " \"batch_size\": 1, \"use_random_seed\": false, \"seed\": " + (1000 + j) + "}")), null, null, mine);
                        local.submit(request, p -> { }, null).result().get(5, TimeUnit.MINUTES);
                        assertArrayEquals(pcm(Files.readAllBytes(mine)), pcm(audio.body()), "job " + j + ": the same audio as a local render");
                    }
                }
            } finally {
                for (Node n : nodes) n.kill();
            }
        }
    }

    /** Whether one of the jobs is being rendered by {@code node}. */
    private static boolean runsOn(JedisPooled j, List<String> ids, String node) {
        for (String id : ids) {
            Map<String, String> h = j.hgetAll(RedisQueue.PREFIX + "task:" + id);
            if ("running".equals(h.get("status")) && node.equals(h.get("node"))) return true;
        }
        return false;
    }

    /** A WAV's sample bytes (the "data" chunk), so headers may differ. */
    static byte[] pcm(byte[] wav) {
        for (int i = 12; i + 8 <= wav.length; ) {
            String id = new String(wav, i, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = (wav[i + 4] & 0xff) | (wav[i + 5] & 0xff) << 8 | (wav[i + 6] & 0xff) << 16 | (wav[i + 7] & 0xff) << 24;
            if (id.equals("data")) return Arrays.copyOfRange(wav, i + 8, Math.min(wav.length, i + 8 + size));
            i += 8 + size + (size & 1);
        }
        throw new AssertionError("no data chunk");
    }

    /** One `aceforge serve` in its own JVM. */
    static final class Node {
        final Process process;
        final int port;

        private Node(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Node start(Path folder, String redis, Path models) throws Exception {
            Files.createDirectories(folder);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-Daceforge.cache=" + folder.resolve("cache"), "-Daceforge.logdir=" + folder.resolve("logs"),
                    "-Daceforge.memoryGb=64", "-Daceforge.int8.kernel=nbits",
                    "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                    "--port", "0", "--queue", redis, "--workers", "1", "--model", models.toString(), "--folder", folder.toString(),
                    "--claim-seconds", "5"));
            Path log = folder.resolve("stdout.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Pattern url = Pattern.compile("serving the ACE-Step API on http://[^:]+:(\\d+)");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Integer found = null;
            while (found == null) {
                Matcher m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) found = Integer.parseInt(m.group(1));
                else if (!p.isAlive() || System.nanoTime() > end) throw new IllegalStateException("the server did not start: " + Files.readString(log));
                else Thread.sleep(100);
            }
            CompletableFuture<Integer> port = CompletableFuture.completedFuture(found);
            Node n = new Node(p, port.get(60, TimeUnit.SECONDS));
            return n;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
