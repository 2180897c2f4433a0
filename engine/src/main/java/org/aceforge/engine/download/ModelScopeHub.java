package org.aceforge.engine.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ModelScope's mirror of the same repositories (the official app's fallback where Hugging Face is unreachable;
 * {@code MODELSCOPE_ENDPOINT} names another): the files API lists each file with its SHA-256.
 */
final class ModelScopeHub implements Hub {
    static final String DEFAULT_ENDPOINT = "https://www.modelscope.cn";
    private final Http http;
    private final String endpoint;

    ModelScopeHub(Http http, Map<String, String> env) {
        this.http = http;
        String e = env.getOrDefault("MODELSCOPE_ENDPOINT", "");
        this.endpoint = (e.isBlank() ? DEFAULT_ENDPOINT : e.strip()).replaceAll("/+$", "");
    }

    @Override
    public String name() {
        return "ModelScope (" + URI.create(endpoint).getHost() + ")";
    }

    @Override
    public String token() {
        return null;
    }

    @Override
    public List<HubFile> list(String repo) throws IOException {
        URI u = URI.create(endpoint + "/api/v1/models/" + repo + "/repo/files?Revision=master&Recursive=true");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(http.text(u, null, repo));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new DownloadException(DownloadException.Kind.SERVER, repo + ": " + name() + " sent a file list that is not JSON");
        }
        JsonNode files = root.path("Data").path("Files");
        if (!files.isArray()) {
            if (root.path("Code").asInt(200) == 404 || root.path("Message").asText("").toLowerCase().contains("not"))
                throw new DownloadException(DownloadException.Kind.NOT_FOUND, repo + ": not found on " + name());
            throw new DownloadException(DownloadException.Kind.SERVER, repo + ": " + name() + " sent an unexpected file list");
        }
        List<HubFile> out = new ArrayList<>();
        for (JsonNode f : files) {
            if (!"blob".equals(f.path("Type").asText("blob"))) continue;
            String sha = f.path("Sha256").asText("");
            out.add(new HubFile(f.path("Path").asText(), f.path("Size").asLong(), sha.isBlank() ? null : sha, null));
        }
        return out;
    }

    @Override
    public URI fileUri(String repo, String path) {
        return URI.create(endpoint + "/api/v1/models/" + repo + "/repo?Revision=master&FilePath="
                + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
    }
}
