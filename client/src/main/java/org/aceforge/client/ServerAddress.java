package org.aceforge.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where an AceForge (or ACE-Step API) server listens and the key it wants: what a user types in Settings as
 * "server URL" and "key". {@link #parse} says in one line what is wrong with a typed address.
 *
 * @param base   http(s)://host[:port] with no path, query or trailing slash
 * @param apiKey the key (null: the server asks for none)
 */
public record ServerAddress(URI base, String apiKey) {
    /** The port a typed address without one gets: the ACE-Step API's. */
    public static final int DEFAULT_PORT = 8001;

    /**
     * The address a user typed ("gpu-box", "gpu-box:8001", "http://10.0.0.5:8001/"); no scheme means http, no port
     * means 8001. Throws {@link IllegalArgumentException} with the problem in words (the caller names the field).
     */
    public static ServerAddress parse(String typed, String key) {
        String t = typed == null ? "" : typed.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("is empty: type the server's address, e.g. http://gpu-box:8001");
        if (!t.contains("://")) t = "http://" + t;
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + typed.strip() + "' is not an address (e.g. http://gpu-box:8001)");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw new IllegalArgumentException("'" + typed.strip() + "' is not an http:// or https:// address");
        if (u.getHost() == null || u.getHost().isBlank())
            throw new IllegalArgumentException("'" + typed.strip() + "' names no host (e.g. http://gpu-box:8001)");
        if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null
                || (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")))
            throw new IllegalArgumentException("'" + typed.strip() + "' has more than a host and port: use e.g. http://gpu-box:8001");
        int port = u.getPort() == -1 ? (typed.contains("://") ? (scheme.equals("https") ? 443 : 80) : DEFAULT_PORT) : u.getPort();
        String k = key == null || key.isBlank() ? null : key.strip();
        return new ServerAddress(URI.create(scheme + "://" + hostPart(u.getHost()) + ":" + port), k);
    }

    private static String hostPart(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The URI of an API path such as "/release_task" or "/v1/audio?path=…" (as the server gives it). */
    public URI resolve(String pathAndQuery) {
        return URI.create(base + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
