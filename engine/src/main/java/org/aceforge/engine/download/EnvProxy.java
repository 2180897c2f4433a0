package org.aceforge.engine.download;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxies the environment names, as curl and the Hugging Face tools read them: {@code HTTPS_PROXY} /
 * {@code HTTP_PROXY} (either case) and {@code NO_PROXY} (hosts or domain suffixes, "*" for all). Java's own selector
 * only reads system properties, so without this a user behind a proxy could not download at all.
 */
final class EnvProxy extends ProxySelector {
    private final Map<String, String> env;

    EnvProxy(Map<String, String> env) {
        this.env = env;
    }

    /** The environment's proxies, or Java's default selector when the environment names none. */
    static ProxySelector selector(Map<String, String> env) {
        EnvProxy p = new EnvProxy(env);
        return p.configured() ? p : ProxySelector.getDefault();
    }

    private String var(String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) v = env.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isBlank() ? null : v.strip();
    }

    boolean configured() {
        return var("HTTPS_PROXY") != null || var("HTTP_PROXY") != null;
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String no = var("NO_PROXY");
        if (no != null)
            for (String n : no.split(",")) {
                String s = n.strip().toLowerCase(Locale.ROOT);
                if (s.isEmpty()) continue;
                if (s.equals("*") || host.equals(s) || host.endsWith(s.startsWith(".") ? s : "." + s)) return List.of(Proxy.NO_PROXY);
            }
        String p = "https".equalsIgnoreCase(uri.getScheme()) && var("HTTPS_PROXY") != null ? var("HTTPS_PROXY") : var("HTTP_PROXY");
        if (p == null) p = var("HTTPS_PROXY");
        if (p == null) return List.of(Proxy.NO_PROXY);
        URI u = URI.create(p.contains("://") ? p : "http://" + p);
        int port = u.getPort() > 0 ? u.getPort() : 80;
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(u.getHost(), port)));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // the download reports the failure itself
    }
}
