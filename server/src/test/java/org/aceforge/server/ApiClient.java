package org.aceforge.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** A plain HTTP client for the tests: JSON, forms and multipart, written from the API document, not from the server. */
final class ApiClient {
    record Reply(int status, JsonNode json, byte[] body) {
        JsonNode data() { return json.path("data"); }
        String error() { return json.path("error").asText(); }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    String bearer;

    ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Reply get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    Reply postJson(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = request(path);
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Reply postForm(String path, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return post(path, "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8));
    }

    Reply postMultipart(String path, Map<String, String> fields, Map<String, Path> files) throws Exception {
        String boundary = "----aceforge" + UUID.randomUUID();
        var out = new java.io.ByteArrayOutputStream();
        for (var e : fields.entrySet())
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        for (var e : files.entrySet()) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"; filename=\""
                    + e.getValue().getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(Files.readAllBytes(e.getValue()));
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post(path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    /** Polls query_result until the task ends (or the time is up) and returns its entry. */
    JsonNode waitFor(String taskId, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            Reply r = postJson("/query_result", "{\"task_id_list\": [\"" + taskId + "\"]}");
            if (r.status() != 200) throw new AssertionError("query_result " + r.status() + ": " + r.error());
            JsonNode t = r.data().get(0);
            if (t.path("status").asInt() != 0) return t;
            if (System.nanoTime() > end) throw new AssertionError("task " + taskId + " still running: " + t);
            Thread.sleep(200);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return b;
    }

    private Reply send(HttpRequest r) throws Exception {
        HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(resp.body());
        } catch (Exception e) {
            json = Json.MAPPER.createObjectNode();
        }
        if (json == null) json = Json.MAPPER.createObjectNode();
        return new Reply(resp.statusCode(), json, resp.body());
    }
}
