package org.aceforge.engine.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A local stand-in for the Hugging Face Hub and ModelScope, on loopback only: the tree API (paged, with Link headers),
 * {@code resolve} with redirects of large files to a "CDN" on another loopback address (which refuses requests carrying
 * a token, as signed CDN URLs do), range requests and ETags, and ModelScope's files API. Faults are switched on per
 * file: a cut response, a stall, wrong bytes; repositories can be missing or need a token.
 */
public final class FakeHub implements AutoCloseable {
    final HttpServer api, cdn;
    /** repo → path → content. */
    final Map<String, Map<String, byte[]>> repos = new LinkedHashMap<>();
    final Set<String> needToken = ConcurrentHashMap.newKeySet();
    /** path (within its repo) → fault: "cut", "stall", "corrupt". Cut and stall happen once. */
    public final Map<String, String> faults = new ConcurrentHashMap<>();
    public final List<String> log = new CopyOnWriteArrayList<>();
    /** path → the size the listing claims instead of the real one (a file too large for the disk). */
    final Map<String, Long> claimedSize = new ConcurrentHashMap<>();
    final int pageSize;
    volatile boolean cdnSawToken;

    public FakeHub(int pageSize) throws IOException {
        this.pageSize = pageSize;
        api = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        api.createContext("/", this::api);
        cdn.createContext("/", this::cdn);
        api.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        api.start();
        cdn.start();
    }

    /**
     * A hub serving the demo pack in the official layout: the main bundle (its 0.6B LM standing in for the 1.7B, with a
     * README and model code the engine does not read) and the base DiT's own repository (studio tests use it too).
     */
    public static FakeHub servingDemoPack(int pageSize) throws IOException {
        FakeHub hub = new FakeHub(pageSize);
        Path demo = org.aceforge.engine.jobs.ModelLocator.ensureDemoPack().root();
        String main = ModelCatalog.MAIN_REPO;
        hub.add(main, "acestep-v15-turbo/", demo.resolve("acestep-v15-turbo"))
                .add(main, "vae/", demo.resolve("vae"))
                .add(main, "Qwen3-Embedding-0.6B/", demo.resolve("Qwen3-Embedding-0.6B"))
                .add(main, "acestep-5Hz-lm-1.7B/", demo.resolve("acestep-5Hz-lm-0.6B"))
                .put(main, "README.md", "# ACE-Step 1.5".getBytes())
                .put(main, "acestep-v15-turbo/modeling_acestep.py", "print('code is not fetched')".getBytes());
        hub.add("ACE-Step/acestep-v15-base", "", demo.resolve("acestep-v15-base"));
        return hub;
    }

    public String hfEndpoint() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    public String msEndpoint() {
        return hfEndpoint() + "/ms";
    }

    /** Adds a folder's files to a repository, under {@code prefix} ("" for the root). */
    FakeHub add(String repo, String prefix, Path folder) throws IOException {
        Map<String, byte[]> files = repos.computeIfAbsent(repo, k -> new LinkedHashMap<>());
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList())
                files.put(prefix + folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
        return this;
    }

    FakeHub put(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, k -> new LinkedHashMap<>()).put(path, content);
        return this;
    }

    static boolean lfs(String path, byte[] b) {
        return b.length > 1024 || path.endsWith(".safetensors") || path.endsWith(".pt");
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitSha1(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(HttpExchange x) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw != null)
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                q.put(URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8), i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            }
        return q;
    }

    private void api(HttpExchange x) throws IOException {
        String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        log.add("api " + path + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery()));
        try (x) {
            if (path.startsWith("/ms/api/v1/models/")) { modelScope(x, path.substring("/ms/api/v1/models/".length())); return; }
            if (path.startsWith("/api/models/")) {
                String rest = path.substring("/api/models/".length());
                int t = rest.indexOf("/tree/main");
                String repo = rest.substring(0, t);
                if (!allowed(x, repo)) return;
                Map<String, byte[]> files = repos.get(repo);
                if (files == null) { send(x, 404, "{\"error\":\"Repository not found\"}"); return; }
                List<ObjectNode> entries = new ArrayList<>();
                ObjectMapper json = new ObjectMapper();
                Set<String> dirs = new java.util.TreeSet<>();
                for (String p : files.keySet()) if (p.contains("/")) dirs.add(p.substring(0, p.lastIndexOf('/')));
                for (String d : dirs) entries.add(json.createObjectNode().put("type", "directory").put("oid", "0").put("size", 0).put("path", d));
                for (var e : files.entrySet()) {
                    long size = claimedSize.getOrDefault(e.getKey(), (long) e.getValue().length);
                    ObjectNode n = json.createObjectNode().put("type", "file").put("oid", gitSha1(e.getValue())).put("size", size).put("path", e.getKey());
                    if (lfs(e.getKey(), e.getValue())) n.putObject("lfs").put("oid", sha256(e.getValue())).put("size", size).put("pointerSize", 134);
                    entries.add(n);
                }
                int from = Integer.parseInt(query(x).getOrDefault("cursor", "0")), to = Math.min(entries.size(), from + pageSize);
                ArrayNode page = json.createArrayNode();
                entries.subList(from, to).forEach(page::add);
                if (to < entries.size())
                    x.getResponseHeaders().add("Link", "<" + "/api/models/" + repo + "/tree/main?recursive=true&expand=false&cursor=" + to + ">; rel=\"next\"");
                send(x, 200, page.toString());
                return;
            }
            int r = path.indexOf("/resolve/main/");
            if (r > 0) {
                String repo = path.substring(1, r), file = path.substring(r + "/resolve/main/".length());
                if (!allowed(x, repo)) return;
                byte[] b = repos.getOrDefault(repo, Map.of()).get(file);
                if (b == null) { send(x, 404, "Entry not found"); return; }
                if (lfs(file, b)) {
                    x.getResponseHeaders().add("Location", "http://127.0.0.2:" + cdn.getAddress().getPort() + "/cdn/" + repo + "/" + file);
                    x.sendResponseHeaders(302, -1);
                    return;
                }
                serve(x, repo, file, b);
                return;
            }
            send(x, 404, "not found");
        }
    }

    private boolean allowed(HttpExchange x, String repo) throws IOException {
        if (!needToken.contains(repo)) return true;
        if ("Bearer good-token".equals(x.getRequestHeaders().getFirst("Authorization"))) return true;
        send(x, 401, "{\"error\":\"Invalid credentials\"}");
        return false;
    }

    private void modelScope(HttpExchange x, String rest) throws IOException {
        int i = rest.indexOf("/repo");
        String repo = rest.substring(0, i);
        Map<String, byte[]> files = repos.get(repo);
        ObjectMapper json = new ObjectMapper();
        if (rest.endsWith("/repo/files")) {
            if (files == null) { send(x, 200, "{\"Code\":404,\"Message\":\"model not exists\"}"); return; }
            ObjectNode root = json.createObjectNode().put("Code", 200);
            ArrayNode arr = root.putObject("Data").putArray("Files");
            for (var e : files.entrySet())
                arr.addObject().put("Path", e.getKey()).put("Name", e.getKey().substring(e.getKey().lastIndexOf('/') + 1))
                        .put("Size", e.getValue().length).put("Sha256", sha256(e.getValue())).put("Type", "blob").put("Revision", "master");
            send(x, 200, root.toString());
            return;
        }
        String file = query(x).get("FilePath");
        byte[] b = files == null ? null : files.get(file);
        if (b == null) { send(x, 404, "not found"); return; }
        serve(x, repo, file, b);
    }

    private void cdn(HttpExchange x) throws IOException {
        try (x) {
            if (x.getRequestHeaders().getFirst("Authorization") != null) {
                cdnSawToken = true;
                send(x, 400, "Only one auth mechanism allowed");
                return;
            }
            String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8).substring("/cdn/".length());
            for (var repo : repos.entrySet())
                if (path.startsWith(repo.getKey() + "/")) {
                    String file = path.substring(repo.getKey().length() + 1);
                    byte[] b = repo.getValue().get(file);
                    if (b != null) { log.add("cdn " + file + " range=" + x.getRequestHeaders().getFirst("Range")); serve(x, repo.getKey(), file, b); return; }
                }
            send(x, 404, "no such object");
        }
    }

    /** A file with range requests, an ETag, and the fault set for it. */
    private void serve(HttpExchange x, String repo, String file, byte[] b) throws IOException {
        String fault = faults.get(file);
        byte[] body = "corrupt".equals(fault) ? corrupt(b) : b;
        long from = 0;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) from = Long.parseLong(range.substring(6, range.indexOf('-')));
        if (from > body.length) { x.sendResponseHeaders(416, -1); return; }
        x.getResponseHeaders().add("ETag", "\"" + sha256(b) + "\"");
        x.getResponseHeaders().add("Accept-Ranges", "bytes");
        int n = (int) (body.length - from);
        if (from > 0) {
            x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            x.sendResponseHeaders(206, n);
        } else {
            x.sendResponseHeaders(200, n);
        }
        OutputStream out = x.getResponseBody();
        if ("cut".equals(fault) && n > 16) {
            faults.remove(file);
            out.write(body, (int) from, n / 2);
            out.flush();
            throw new IOException("cut on purpose");   // the exchange is closed without the rest
        }
        if ("stall".equals(fault) && n > 16) {
            faults.remove(file);
            out.write(body, (int) from, n / 3);
            out.flush();
            try { Thread.sleep(4000); } catch (InterruptedException ignored) { }
            throw new IOException("stalled on purpose");
        }
        out.write(body, (int) from, n);
    }

    static byte[] corrupt(byte[] b) {
        byte[] c = b.clone();
        c[c.length / 2] ^= 0x5A;
        return c;
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        api.stop(0);
        cdn.stop(0);
    }
}
