package org.aceforge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

/**
 * The HTTP calls the client makes, on the JDK's {@link HttpClient} (a maintained client that is already here; the
 * API needs nothing it lacks but a multipart body, built below for the one upload form). Every answer is unwrapped
 * from the API's {@code {data, code, error}}: a failure is a {@link ServerException} with the server's message, a
 * network problem an {@link IOException}. Any thread; one connection pool per server.
 */
public final class ServerConnection {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30), TRANSFER_TIMEOUT = Duration.ofMinutes(10);
    private final ServerAddress address;
    private final HttpClient http;

    public ServerConnection(ServerAddress address) {
        this.address = address;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public ServerAddress address() { return address; }

    /** GET a JSON endpoint; the wrapper's {@code data}. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return data(send(request(path).GET().timeout(CALL_TIMEOUT).build()));
    }

    /** POST a JSON body; the wrapper's {@code data}. */
    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return data(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).timeout(CALL_TIMEOUT).build()));
    }

    /** POST one file as multipart/form-data field {@code field}; the wrapper's {@code data}. */
    public JsonNode upload(String path, String field, Path file) throws IOException, InterruptedException {
        String boundary = "aceforge-" + UUID.randomUUID();
        String name = file.getFileName().toString().replace("\"", "_").replace("\r", "_").replace("\n", "_");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail));
        return data(send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body).timeout(TRANSFER_TIMEOUT).build()));
    }

    /**
     * GET a file into {@code target}: written beside it first and moved into place whole, so a dropped download
     * leaves no partial file.
     */
    public void download(String pathAndQuery, Path target) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request(pathAndQuery).GET().timeout(TRANSFER_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            throw failure(r.statusCode(), text);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = Files.createTempFile(target.toAbsolutePath().getParent(), ".download", ".part");
        try (InputStream in = r.body()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(address.resolve(pathAndQuery));
        if (address.apiKey() != null) b.header("Authorization", "Bearer " + address.apiKey());
        return b;
    }

    private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode data(HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) throw failure(r.statusCode(), r.body());
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("the server's answer is not JSON (is this an AceForge or ACE-Step API server?)");
        }
        if (n == null || !n.isObject()) throw new IOException("the server's answer is not the API's {data, code, error} wrapper");
        int code = n.path("code").asInt(200);
        if (code != 200 && code != 0) throw new ServerException(code, message(n, code));
        return n.path("data");
    }

    private static ServerException failure(int status, String body) {
        String m;
        try {
            JsonNode n = JSON.readTree(body);
            m = message(n, status);
        } catch (IOException | RuntimeException e) {
            m = null;
        }
        if (m == null || m.isBlank()) m = switch (status) {
            case 401, 403 -> "the server refused the key (set the key in Settings)";
            case 404 -> "no such endpoint or file on the server (is this an AceForge or ACE-Step API server?)";
            default -> "the server answered HTTP " + status;
        };
        return new ServerException(status, m);
    }

    private static String message(JsonNode n, int status) {
        if (n == null) return null;
        for (String f : new String[]{"error", "detail", "message"}) {
            JsonNode v = n.path(f);
            if (v.isTextual() && !v.asText().isBlank()) return v.asText();
        }
        return "the server answered code " + status;
    }

    /** A fresh JSON object for request bodies. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
