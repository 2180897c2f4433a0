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
            long t0 = System.nanoTime();
            GraphCache.Built b = cache.get(name, configText, weights, builder);
            long t1 = System.nanoTime();
            session = new NetSession(name, b.model(), b.weights(), device == null ? OrtRuntime.device() : device);
            // Where a first render's wait goes (the graph and its weights: built or read, INT8 forms quantized; then
            // ONNX Runtime's copy, optimisation and pre-packing).
            LOG.info("{}: opened in {} s (graph and weights {} s, session {} s)", name, seconds(System.nanoTime() - t0),
                    seconds(t1 - t0), seconds(System.nanoTime() - t1));
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

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
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
