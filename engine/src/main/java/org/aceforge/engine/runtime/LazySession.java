package org.aceforge.engine.runtime;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.WeightSource;

import java.util.function.Supplier;

/** A network session created on first use (graph from the cache or freshly built) and closed with its owner. */
public final class LazySession implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LazySession.class);
    private final String name;
    private final String configText;
    private final WeightSource weights;
    private final Supplier<OnnxGraph> builder;
    private final GraphCache cache;
    private final OrtRuntime.Device device;
    private NetSession session;

    public LazySession(String name, String configText, WeightSource weights, GraphCache cache, Supplier<OnnxGraph> builder) {
        this(name, configText, weights, cache, builder, null);
    }

    /** @param device where the session runs; null for the process's chosen device */
    public LazySession(String name, String configText, WeightSource weights, GraphCache cache, Supplier<OnnxGraph> builder,
                       OrtRuntime.Device device) {
        this.device = device;
        this.name = name;
        this.configText = configText;
        this.weights = weights;
        this.cache = cache;
        this.builder = builder;
    }

    public synchronized NetSession get() throws ai.onnxruntime.OrtException {
        if (session == null) {
            GraphCache.Built b = cache.get(name, configText, weights, builder);
            session = new NetSession(name, b.model(), b.weights(), device == null ? OrtRuntime.device() : device);
            released(weights.releaseDerived());
        }
        return session;
    }

    /**
     * The session holds its own copy of the weights it was given, so the INT8 forms computed for it are dropped (1.5 GB
     * for the full-size DiT) and their memory handed back: collected, then trimmed on a thread of its own, once per
     * session opened — on a render a user asked for, not per step.
     */
    private void released(long bytes) {
        if (bytes <= 0) return;
        LOG.info("{}: released {} MB of INT8 weights the session has copied", name, bytes >> 20);
        org.aceforge.engine.runtime.os.NativeHeap.collectAndTrimInBackground();
    }

    /** Whether the session is open now (it opens again on the next use after a close). */
    public synchronized boolean isOpen() {
        return session != null;
    }

    @Override
    public synchronized void close() {
        if (session != null) session.close();
        session = null;
    }
}
