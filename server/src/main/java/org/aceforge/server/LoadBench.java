package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code aceforge serve-bench [--jobs N] [--clients C] [--model DIR]}: an in-process server on a free loopback port
 * and C client threads submitting N short renders (10 s, batch 1, WAV) with release_task and polling each with
 * query_result until it ends. Prints the latency and throughput of both endpoints, the jobs' throughput, the 5xx
 * count, and the heap held (after a full GC) at the start, after the first tenth of the jobs and at the end. A figure
 * printer, not a test: it asserts nothing about time.
 */
public final class LoadBench {
    private LoadBench() {}

    public static void main(String[] args) throws Exception {
        int jobs = 1000, clients = 50;
        Path model = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--model" -> model = Path.of(args[++i]);
                default -> {
                    System.err.println("aceforge: serve-bench takes --jobs N, --clients C and --model DIR, not " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (jobs < 1 || clients < 1 || clients > 500) {
            System.err.println("aceforge: serve-bench needs --jobs ≥ 1 and --clients 1 to 500");
            System.exit(2);
        }
        if (model == null) model = org.aceforge.engine.jobs.ModelLocator.ensureDemoPack().root();
        Result r = run(jobs, clients, model, Files.createTempDirectory("aceforge-serve-bench"));
        r.print();
        System.exit(r.failures() == 0 && r.serverErrors() == 0 ? 0 : 1);
    }

    record Result(int jobs, int clients, List<Long> releaseNanos, List<Long> queryNanos, double seconds, int failures,
                  int serverErrors, long heapStart, long heapTenth, long heapEnd) {
        void print() {
            System.out.printf(Locale.ROOT, "serve-bench: %d jobs (demo pack, 10 s, batch 1, wav), %d clients, 1 worker, loopback, %d cores%n",
                    jobs, clients, Runtime.getRuntime().availableProcessors());
            line("release_task", releaseNanos, seconds);
            line("query_result", queryNanos, seconds);
            System.out.printf(Locale.ROOT, "jobs: %d in %.1f s (%.2f jobs/s), %d failed, %d answers 5xx%n", jobs, seconds, jobs / seconds,
                    failures, serverErrors);
            System.out.printf(Locale.ROOT, "heap after full GC: %.1f MB at start, %.1f MB after %d jobs, %.1f MB after %d jobs%n",
                    heapStart / 1e6, heapTenth / 1e6, Math.max(1, jobs / 10), heapEnd / 1e6, jobs);
        }

        private static void line(String what, List<Long> nanos, double seconds) {
            List<Long> s = new ArrayList<>(nanos);
            Collections.sort(s);
            if (s.isEmpty()) return;
            System.out.printf(Locale.ROOT, "%s: %d requests (%.0f/s), latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", what,
                    s.size(), s.size() / seconds, pct(s, 0.5), pct(s, 0.9), pct(s, 0.99), s.get(s.size() - 1) / 1e6);
        }

        private static double pct(List<Long> s, double p) {
            return s.get(Math.min(s.size() - 1, (int) Math.floor(p * s.size()))) / 1e6;
        }
    }

    static Result run(int jobs, int clients, Path model, Path folder) throws Exception {
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, null, 1, model, folder, jobs + 1, 5, 1, false);
        try (ApiServer server = new ApiServer(settings).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            String base = "http://127.0.0.1:" + server.port();
            ConcurrentLinkedQueue<Long> release = new ConcurrentLinkedQueue<>(), query = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger(), failures = new AtomicInteger(), errors5xx = new AtomicInteger(), finished = new AtomicInteger();
            long heapStart = heap();
            long[] heapTenth = {0};
            int tenth = Math.max(1, jobs / 10);
            CountDownLatch done = new CountDownLatch(clients);
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    try {
                        for (int j; (j = next.getAndIncrement()) < jobs; ) {
                            String body = "{\"prompt\": \"load test\", \"audio_duration\": 10, \"batch_size\": 1, \"use_random_seed\": false,"
                                    + " \"seed\": " + j + ", \"audio_format\": \"wav\"}";
                            long s = System.nanoTime();
                            HttpResponse<String> r = post(http, base + "/release_task", body);
                            release.add(System.nanoTime() - s);
                            if (r.statusCode() >= 500) errors5xx.incrementAndGet();
                            if (r.statusCode() != 200) {
                                failures.incrementAndGet();
                                continue;
                            }
                            String id = Json.MAPPER.readTree(r.body()).path("data").path("task_id").asText();
                            while (true) {
                                Thread.sleep(250);
                                s = System.nanoTime();
                                HttpResponse<String> q = post(http, base + "/query_result", "{\"task_id_list\": [\"" + id + "\"]}");
                                query.add(System.nanoTime() - s);
                                if (q.statusCode() >= 500) errors5xx.incrementAndGet();
                                JsonNode t1 = Json.MAPPER.readTree(q.body()).path("data").path(0);
                                int st = t1.path("status").asInt(0);
                                if (st == 0) continue;
                                if (st != 1) failures.incrementAndGet();
                                if (finished.incrementAndGet() == tenth) {
                                    synchronized (heapTenth) {
                                        heapTenth[0] = heap();
                                    }
                                }
                                break;
                            }
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    } finally {
                        done.countDown();
                    }
                }, "load-client-" + c);
                t.start();
            }
            done.await();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(jobs, clients, new ArrayList<>(release), new ArrayList<>(query), seconds, failures.get(), errors5xx.get(),
                    heapStart, heapTenth[0], heap());
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Heap in use after a full collection (twice, as one pass can leave finalizable objects). */
    private static long heap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
