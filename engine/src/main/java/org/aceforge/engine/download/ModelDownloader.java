package org.aceforge.engine.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Fetches official checkpoint folders into a checkpoints folder, only when asked. Each folder is assembled in
 * {@code .aceforge-partial/} beside it — files resume where they stopped (HTTP range requests), each is verified against
 * the hash the hub publishes before it is kept — and moved into place whole, so a folder that looks installed always
 * is. Hugging Face first ({@code HF_ENDPOINT}, {@code HF_TOKEN}, proxies from the environment), ModelScope's mirror
 * when Hugging Face cannot be reached.
 */
public final class ModelDownloader {
    /** Where partial downloads live, beside the installed folders. */
    public static final String PARTIAL = ".aceforge-partial";
    /** Written into each installed folder: what was fetched from where, with the hashes. */
    public static final String MARKER = ".aceforge-download.json";
    private static final int ATTEMPTS = 5;

    /** What a download is doing, for progress bars (sizes in bytes, speed in bytes per second). */
    public record Progress(String file, long fileDone, long fileTotal, long done, long total, double bytesPerSecond, double secondsLeft) {}

    public interface Listener {
        void progress(Progress p);

        /** One line for the user (which hub, a fallback, a folder already installed). */
        void message(String line);
    }

    private final Hub primary, fallback;
    private final Http http;
    private final Duration stall;

    /**
     * A downloader reading its endpoints, token and proxies from the process environment; a system property
     * {@code aceforge.env.NAME} overrides variable NAME (for launchers and tests that cannot set the environment).
     */
    public ModelDownloader() {
        this(environment(), Duration.ofSeconds(60));
    }

    static Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        for (String k : System.getProperties().stringPropertyNames())
            if (k.startsWith("aceforge.env.")) env.put(k.substring("aceforge.env.".length()), System.getProperty(k));
        return env;
    }

    /** {@code stall}: how long a transfer may go without a byte before it is resumed on a new connection. */
    public ModelDownloader(Map<String, String> env, Duration stall) {
        this.http = new Http(env, Duration.ofSeconds(20), Duration.ofSeconds(60));
        this.primary = new HuggingFaceHub(http, env);
        this.fallback = new ModelScopeHub(http, env);
        this.stall = stall;
    }

    /** Installs every part of the entries into {@code to}; returns the folders installed (or found installed). */
    public List<Path> download(List<ModelCatalog.Entry> entries, Path to, Listener listener, BooleanSupplier cancelled) throws IOException {
        Files.createDirectories(to);
        Map<String, Listing> listings = new LinkedHashMap<>();
        List<Plan> plans = new ArrayList<>();
        for (ModelCatalog.Entry e : entries)
            for (ModelCatalog.Part p : e.parts()) {
                Listing l = listings.get(p.repo());
                if (l == null) listings.put(p.repo(), l = list(p.repo(), listener));
                plans.add(plan(p, l, to));
            }
        long total = 0, have = 0;
        for (Plan p : plans) {
            if (p.installed) continue;
            for (Map.Entry<String, HubFile> f : p.files.entrySet()) {
                total += f.getValue().size();
                have += alreadyHave(p.staging.resolve(f.getKey()), f.getValue());
            }
        }
        checkSpace(to, total - have);
        AtomicLong done = new AtomicLong(have);
        Meter meter = new Meter();
        List<Path> out = new ArrayList<>();
        for (Plan p : plans) {
            Path target = to.resolve(p.part.target());
            if (p.installed) {
                listener.message(p.part.target() + ": already installed in " + target);
                out.add(target);
                continue;
            }
            listener.message(p.part.target() + ": from " + p.listing.hub.name() + " (" + p.part.repo()
                    + (p.part.subfolder().isEmpty() ? "" : ", folder " + p.part.subfolder()) + ")");
            for (Map.Entry<String, HubFile> f : p.files.entrySet()) {
                Path dest = p.staging.resolve(f.getKey());
                if (Files.isRegularFile(dest) && Files.size(dest) == f.getValue().size()) continue;   // verified earlier
                fetch(p, f.getKey(), f.getValue(), dest, done, total, meter, listener, cancelled);
            }
            install(p, target);
            out.add(target);
        }
        return out;
    }

    private record Listing(Hub hub, List<HubFile> files) {}

    private static final class Plan {
        ModelCatalog.Part part;
        Listing listing;
        Map<String, HubFile> files = new LinkedHashMap<>();   // path within the folder → file
        Path staging;
        boolean installed;
    }

    /** The repository's files from Hugging Face, or from ModelScope when Hugging Face cannot be reached. */
    private Listing list(String repo, Listener listener) throws IOException {
        try {
            return new Listing(primary, primary.list(repo));
        } catch (DownloadException e) {
            if (e.kind() != DownloadException.Kind.UNREACHABLE && e.kind() != DownloadException.Kind.SERVER) throw e;
            listener.message(e.getMessage() + "; trying " + fallback.name());
            try {
                return new Listing(fallback, fallback.list(repo));
            } catch (DownloadException f) {
                throw new DownloadException(e.kind(), e.getMessage() + "; " + fallback.name() + ": " + f.getMessage()
                        + (e.kind() == DownloadException.Kind.UNREACHABLE ? " (no network? set HTTPS_PROXY or HF_ENDPOINT if you use a proxy or a mirror)" : ""), f);
            }
        }
    }

    private Plan plan(ModelCatalog.Part part, Listing l, Path to) throws IOException {
        Plan p = new Plan();
        p.part = part;
        p.listing = l;
        String prefix = part.subfolder().isEmpty() ? "" : part.subfolder() + "/";
        for (HubFile f : l.files) {
            if (!f.path().startsWith(prefix)) continue;
            String rel = f.path().substring(prefix.length());
            if (rel.contains("/") || !ModelCatalog.engineReads(rel)) continue;   // only the folder's own files the engine reads
            p.files.put(rel, f);
        }
        if (!p.files.containsKey("config.json"))
            throw new DownloadException(DownloadException.Kind.NOT_FOUND, part.repo() + (prefix.isEmpty() ? "" : "/" + part.subfolder())
                    + ": no model files on " + l.hub.name() + " (no config.json)");
        p.staging = to.resolve(PARTIAL).resolve(part.target());
        p.installed = installed(to.resolve(part.target()), p.files);
        return p;
    }

    /** Whether a folder holds exactly these files, as a previous download recorded them. */
    private static boolean installed(Path folder, Map<String, HubFile> files) {
        Path marker = folder.resolve(MARKER);
        if (!Files.isRegularFile(marker)) return false;
        try {
            var m = new ObjectMapper().readTree(marker.toFile()).path("files");
            for (Map.Entry<String, HubFile> f : files.entrySet()) {
                var rec = m.path(f.getKey());
                String want = hashOf(f.getValue());
                if (!Files.isRegularFile(folder.resolve(f.getKey())) || Files.size(folder.resolve(f.getKey())) != f.getValue().size()
                        || !want.equals(rec.path("hash").asText())) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String hashOf(HubFile f) {
        return f.sha256() != null ? "sha256:" + f.sha256() : f.gitBlobSha1() != null ? "git-sha1:" + f.gitBlobSha1() : "size:" + f.size();
    }

    private static long alreadyHave(Path dest, HubFile f) throws IOException {
        if (Files.isRegularFile(dest) && Files.size(dest) == f.size()) return f.size();
        Path part = partOf(dest);
        return Files.isRegularFile(part) ? Math.min(Files.size(part), f.size()) : 0;
    }

    private static Path partOf(Path dest) {
        return dest.resolveSibling(dest.getFileName() + ".part");
    }

    static void checkSpace(Path to, long needed) throws IOException {
        if (needed <= 0) return;
        FileStore store = Files.getFileStore(to);
        long free = store.getUsableSpace();
        long margin = 64L << 20;
        if (free < needed + margin)
            throw new DownloadException(DownloadException.Kind.DISK, String.format("needs %s more but only %s are free on %s",
                    size(needed), size(free), to.toAbsolutePath()));
    }

    /** A time left as users read it: "3m05s", "1h12m", "?" when unknown. */
    public static String eta(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "?";
        long t = Math.round(seconds);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }

    public static String size(long bytes) {
        if (bytes >= 1_000_000_000L) return String.format("%.1f GB", bytes / 1e9);
        if (bytes >= 1_000_000L) return String.format("%.0f MB", bytes / 1e6);
        return String.format("%.0f kB", bytes / 1e3);
    }

    /** One file into the staging folder: resumed, retried on a cut or a stall, verified, then named as final. */
    private void fetch(Plan p, String rel, HubFile f, Path dest, AtomicLong done, long total, Meter meter, Listener listener,
                       BooleanSupplier cancelled) throws IOException {
        Files.createDirectories(dest.getParent());
        Path part = partOf(dest);
        URI uri = p.listing.hub.fileUri(p.part.repo(), f.path());
        String what = p.part.target() + "/" + rel;
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > f.size()) { Files.delete(part); done.addAndGet(-have); have = 0; }
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS && have < f.size(); attempt++) {
            if (cancelled.getAsBoolean()) throw new DownloadException(DownloadException.Kind.CANCELLED, "cancelled; run the command again to resume");
            Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
            HttpResponse<InputStream> r = http.get(uri, p.listing.hub.token(), headers);
            int status = r.statusCode();
            if (status == 416) {   // the part no longer fits the file: start over
                r.body().close();
                Files.deleteIfExists(part);
                done.addAndGet(-have);
                have = 0;
                continue;
            }
            try {
                Http.check(status, uri, what);
            } catch (DownloadException e) {
                r.body().close();
                if (e.kind() == DownloadException.Kind.SERVER && attempt < ATTEMPTS - 1) { last = e; continue; }
                throw e;
            }
            boolean append = status == 206 && have > 0;
            if (!append && have > 0) { done.addAndGet(-have); have = 0; }   // the server sent the whole file
            try {
                have = copy(r.body(), part, append, have, f.size(), what, done, total, meter, listener, cancelled);
            } catch (DownloadException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                have = Files.isRegularFile(part) ? Files.size(part) : 0;
            }
        }
        if (have != f.size())
            throw new DownloadException(DownloadException.Kind.SERVER, what + ": the transfer kept stopping (" + size(have) + " of "
                    + size(f.size()) + " after " + ATTEMPTS + " attempts" + (last == null ? "" : ": " + Http.describe(last))
                    + "); run the command again to resume");
        verify(part, f, what, p.staging);
        Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private long copy(InputStream body, Path part, boolean append, long have, long size, String what, AtomicLong done, long total,
                      Meter meter, Listener listener, BooleanSupplier cancelled) throws IOException {
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aceforge-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        // A transfer that goes quiet is cut here and resumed on a new connection (a read on the JDK client's stream
        // has no timeout of its own).
        ScheduledFuture<?> check = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > stall.toNanos()) {
                try { body.close(); } catch (IOException ignored) { }
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        try (InputStream in = body;
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) != -1; ) {
                if (cancelled.getAsBoolean()) throw new DownloadException(DownloadException.Kind.CANCELLED, "cancelled; run the command again to resume");
                if (have + n > size) throw new java.io.IOException(what + ": the server sent more than the listed " + size + " bytes");
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    throw diskError(e, part);
                }
                have += n;
                lastByte.set(System.nanoTime());
                long d = done.addAndGet(n);
                double speed = meter.add(n);
                listener.progress(new Progress(what, have, size, d, total, speed, speed > 0 ? (total - d) / speed : Double.NaN));
            }
        } finally {
            check.cancel(true);
            watchdog.shutdownNow();
        }
        return have;
    }

    private static IOException diskError(IOException e, Path part) {
        String m = Http.describe(e);
        if (m.contains("No space left") || m.contains("Disk quota"))
            return new DownloadException(DownloadException.Kind.DISK, "the disk is full (" + part.getParent() + "); free space and run the command again to resume", e);
        return new DownloadException(DownloadException.Kind.DISK, "cannot write " + part + " (" + m + ")", e);
    }

    /** Checks a downloaded file against the hub's hash; a mismatch is kept aside, never used. */
    static void verify(Path part, HubFile f, String what, Path staging) throws IOException {
        String got, want;
        String algo = f.sha256() != null ? "SHA-256" : f.gitBlobSha1() != null ? "git blob SHA-1" : null;
        if (algo == null) return;   // a hub that publishes no hash: the size was checked
        try (InputStream in = Files.newInputStream(part)) {
            MessageDigest md = MessageDigest.getInstance(f.sha256() != null ? "SHA-256" : "SHA-1");
            if (f.sha256() == null) md.update(("blob " + f.size() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) != -1; ) md.update(buf, 0, n);
            got = HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        want = (f.sha256() != null ? f.sha256() : f.gitBlobSha1()).toLowerCase(java.util.Locale.ROOT);
        if (got.equals(want)) return;
        Path aside = staging.resolveSibling(staging.getFileName() + ".rejected").resolve(part.getFileName().toString().replaceAll("\\.part$", ""));
        Files.createDirectories(aside.getParent());
        Files.move(part, aside, StandardCopyOption.REPLACE_EXISTING);
        throw new DownloadException(DownloadException.Kind.INTEGRITY, what + ": " + algo + " mismatch (expected " + want + ", got " + got
                + "); the file is kept aside in " + aside + " and not used; run the command again to fetch it anew");
    }

    /** Records what was fetched and moves the assembled folder into place (replacing an older one whole). */
    private static void install(Plan p, Path target) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("repo", p.part.repo()).put("subfolder", p.part.subfolder()).put("hub", p.listing.hub.name());
        ObjectNode files = m.putObject("files");
        for (Map.Entry<String, HubFile> f : p.files.entrySet())
            files.putObject(f.getKey()).put("size", f.getValue().size()).put("hash", hashOf(f.getValue()));
        json.writerWithDefaultPrettyPrinter().writeValue(p.staging.resolve(MARKER).toFile(), m);
        Path old = null;
        if (Files.exists(target)) {
            old = p.staging.resolveSibling(p.part.target() + ".replaced-" + System.currentTimeMillis());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(p.staging, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    /** Bytes per second over the last few seconds. */
    private static final class Meter {
        private final long[] times = new long[64], bytes = new long[64];
        private int n;

        synchronized double add(long b) {
            long now = System.nanoTime();
            times[n % 64] = now;
            bytes[n % 64] = b;
            n++;
            int k = Math.min(n, 64);
            long first = times[(n - k) % 64], sum = 0;
            for (int i = 0; i < k; i++) sum += bytes[(n - k + i) % 64];
            double secs = (now - first) / 1e9;
            return secs > 0.2 ? sum / secs : 0;
        }
    }
}
