package org.aceforge.engine.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub (or a mirror named by {@code HF_ENDPOINT}): the tree API lists files with their git blob id and,
 * for LFS files, the SHA-256; {@code /{repo}/resolve/main/{path}} serves them (large ones through a redirect to the CDN).
 */
final class HuggingFaceHub implements Hub {
    static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private final Http http;
    private final String endpoint, token;

    HuggingFaceHub(Http http, Map<String, String> env) {
        this.http = http;
        String e = env.getOrDefault("HF_ENDPOINT", "");
        this.endpoint = (e.isBlank() ? DEFAULT_ENDPOINT : e.strip()).replaceAll("/+$", "");
        String t = env.getOrDefault("HF_TOKEN", env.getOrDefault("HUGGING_FACE_HUB_TOKEN", ""));
        this.token = t.isBlank() ? null : t.strip();
    }

    @Override
    public String name() {
        return URI.create(endpoint).getHost();
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public List<HubFile> list(String repo) throws IOException {
        List<HubFile> out = new ArrayList<>();
        URI next = URI.create(endpoint + "/api/models/" + repo + "/tree/main?recursive=true&expand=false");
        ObjectMapper json = new ObjectMapper();
        for (int page = 0; next != null && page < 100; page++) {
            HttpResponse<InputStream> r = http.get(next, token, Map.of("Accept", "application/json"));
            JsonNode arr;
            try (InputStream in = r.body()) {
                Http.check(r.statusCode(), next, repo);
                arr = json.readTree(in);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new DownloadException(DownloadException.Kind.SERVER, repo + ": " + name() + " sent a file list that is not JSON");
            }
            if (!arr.isArray()) throw new DownloadException(DownloadException.Kind.SERVER, repo + ": " + name() + " sent an unexpected file list");
            for (JsonNode f : arr) {
                if (!"file".equals(f.path("type").asText())) continue;
                JsonNode lfs = f.path("lfs");
                String sha = lfs.isObject() ? lfs.path("oid").asText(null) : null;
                out.add(new HubFile(f.path("path").asText(), f.path("size").asLong(), sha, sha == null ? f.path("oid").asText(null) : null));
            }
            next = null;
            for (String link : r.headers().allValues("Link")) {
                Matcher m = NEXT.matcher(link);
                if (m.find()) next = URI.create(endpoint).resolve(m.group(1));
            }
        }
        return out;
    }

    @Override
    public URI fileUri(String repo, String path) {
        return URI.create(endpoint + "/" + repo + "/resolve/main/" + Hub.encodePath(path));
    }
}
