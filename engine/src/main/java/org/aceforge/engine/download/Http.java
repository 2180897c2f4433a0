package org.aceforge.engine.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP GETs for the hubs on the JDK's client. Redirects are followed here rather than by the client so that a token
 * never leaves the hub's host (the hubs send large files to a CDN whose signed URLs must not carry it).
 */
final class Http {
    private static final int MAX_REDIRECTS = 10;
    private final HttpClient client;
    private final Duration headerTimeout;

    Http(Map<String, String> env, Duration connectTimeout, Duration headerTimeout) {
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout)
                .proxy(EnvProxy.selector(env)).version(HttpClient.Version.HTTP_1_1).build();
        this.headerTimeout = headerTimeout;
    }

    /** The response to a GET after redirects, its body unread; {@code token} is sent to the first host only. */
    HttpResponse<InputStream> get(URI uri, String token, Map<String, String> headers) throws IOException {
        String firstHost = uri.getHost() + ":" + uri.getPort();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(headerTimeout).GET()
                    .header("User-Agent", "AceForge/" + org.aceforge.engine.Version.current());
            headers.forEach(b::header);
            if (token != null && (uri.getHost() + ":" + uri.getPort()).equals(firstHost)) b.header("Authorization", "Bearer " + token);
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
                throw new DownloadException(DownloadException.Kind.UNREACHABLE, "cannot reach " + uri.getHost() + " (" + describe(e) + ")", e);
            } catch (HttpTimeoutException e) {
                throw new DownloadException(DownloadException.Kind.UNREACHABLE, uri.getHost() + " did not answer in " + headerTimeout.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException(DownloadException.Kind.CANCELLED, "cancelled");
            } catch (IOException e) {
                throw new DownloadException(DownloadException.Kind.UNREACHABLE, "cannot reach " + uri.getHost() + " (" + describe(e) + ")", e);
            }
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                String loc = r.headers().firstValue("Location").orElse(null);
                r.body().close();
                if (loc == null) throw new DownloadException(DownloadException.Kind.SERVER, uri.getHost() + " redirected without a location");
                uri = uri.resolve(loc);
                continue;
            }
            return r;
        }
        throw new DownloadException(DownloadException.Kind.SERVER, "too many redirects from " + uri.getHost());
    }

    /** A small text body (a listing), after checking the status. */
    String text(URI uri, String token, String what) throws IOException {
        HttpResponse<InputStream> r = get(uri, token, Map.of());
        try (InputStream in = r.body()) {
            check(r.statusCode(), uri, what);
            byte[] b = in.readNBytes(64 << 20);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Turns an error status into the failure it means. */
    static void check(int status, URI uri, String what) throws DownloadException {
        if (status >= 200 && status < 300) return;
        if (status == 401 || status == 403)
            throw new DownloadException(DownloadException.Kind.AUTH, what + ": " + uri.getHost() + " refused access (HTTP " + status
                    + "); if the repository needs an account, set HF_TOKEN to a Hugging Face access token");
        if (status == 404) throw new DownloadException(DownloadException.Kind.NOT_FOUND, what + ": not found on " + uri.getHost() + " (HTTP 404)");
        throw new DownloadException(DownloadException.Kind.SERVER, what + ": " + uri.getHost() + " answered HTTP " + status);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
