package org.aceforge.engine.lm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.nets.CausalLmGraph;
import org.aceforge.engine.nets.TextEncoderGraph;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.LazySession;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A 5 Hz LM folder ({@code acestep-5Hz-lm-*}: config.json, model.safetensors, tokenizer.json) on ONNX Runtime:
 * prefill a prompt into one sequence of a {@link KvCache}, then decode all sequences one token at a time.
 * Worker threads only; one generation at a time per instance.
 */
public final class CausalLm implements AutoCloseable {
    private final Path folder;
    private final Qwen3Config config;
    private final LmTokenizer tokenizer;
    private final LazySession session;

    public CausalLm(Path folder, GraphCache cache) {
        this(folder, cache, false);
    }

    /** With {@code int8}, every Linear layer and the output projection run on int8 weights (about 4× less to read a step). */
    public CausalLm(Path folder, GraphCache cache, boolean int8) {
        this.folder = folder;
        if (!Files.isRegularFile(folder.resolve("config.json")))
            throw new ModelFolderException(folder + ": not a 5 Hz LM folder (no config.json)");
        try {
            config = Qwen3Config.read(folder.resolve("config.json"));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFolderException(folder + ": " + e.getMessage(), e);
        }
        if (config.headDim() % 16 != 0)   // ONNX Runtime's GroupQueryAttention kernel requires it
            throw new ModelFolderException(folder + ": head_dim " + config.headDim()
                    + " is not supported: the 5 Hz LM's attention (ONNX Runtime GroupQueryAttention) needs a multiple of 16");
        WeightSource weights = Checkpoint.open(folder, "model");
        if (!TextEncoderGraph.prefixless(weights).has("embed_tokens.weight"))
            throw new ModelFolderException(folder + ": weights are not a Qwen3 causal LM (no embed_tokens)");
        // Without tokenizer.json the network still runs on token ids (the reference fixtures); generation needs it.
        Path tok = folder.resolve("tokenizer.json");
        tokenizer = Files.isRegularFile(tok) ? new LmTokenizer(tok, config.vocabSize()) : null;
        org.aceforge.engine.graph.Int8Weights q = int8 ? new org.aceforge.engine.graph.Int8Weights(weights,
                org.aceforge.engine.graph.Int8Kernel.MATMUL_NBITS, org.aceforge.engine.runtime.QuantizedCache.forCheckpoint(folder, "model")) : null;
        session = int8 ? new LazySession(CausalLmGraph.NAME + "-int8", Checkpoint.configText(folder), q, cache,
                () -> CausalLmGraph.build(config, weights, q))
                : new LazySession(CausalLmGraph.NAME, Checkpoint.configText(folder), weights, cache,
                () -> CausalLmGraph.build(config, weights));
    }

    private CausalLm(Qwen3Config config, WeightSource weights, GraphCache cache, org.aceforge.engine.graph.Int8Kernel kernel) {
        this.folder = null;
        this.config = config;
        this.tokenizer = null;
        org.aceforge.engine.graph.Int8Weights q = kernel == null ? null : new org.aceforge.engine.graph.Int8Weights(weights, kernel);
        this.session = new LazySession(CausalLmGraph.NAME + (kernel == null ? "" : "-" + kernel.id()), config.toString(),
                q != null ? q : weights, cache, () -> CausalLmGraph.build(config, weights, q));
    }

    /** The network on weights in memory, without a folder or tokenizer (benchmarks). */
    public static CausalLm forNetwork(Qwen3Config config, WeightSource weights, GraphCache cache, boolean int8) {
        return new CausalLm(config, weights, cache, int8 ? org.aceforge.engine.graph.Int8Kernel.MATMUL_NBITS : null);
    }

    /** As {@link #forNetwork(Qwen3Config, WeightSource, GraphCache, boolean)} with a given weight form (null: fp32). */
    public static CausalLm forNetwork(Qwen3Config config, WeightSource weights, GraphCache cache,
                                      org.aceforge.engine.graph.Int8Kernel kernel) {
        return new CausalLm(config, weights, cache, kernel);
    }

    public Path folder() { return folder; }
    public Qwen3Config config() { return config; }
    public LmTokenizer tokenizer() {
        if (tokenizer == null) throw new ModelFolderException(folder + ": missing tokenizer.json");
        return tokenizer;
    }

    public KvCache newCache(int batch, int capacity) throws OrtException {
        return new KvCache(config, batch, capacity);
    }

    /** Feeds a whole prompt into sequence b (which must be empty) and returns the logits after its last token. */
    public float[] prefill(KvCache cache, int b, long[] ids) throws OrtException {
        if (cache.length(b) != 0) throw new IllegalStateException("sequence " + b + " already holds a prompt");
        return forward(cache, b, ids, new long[]{ids.length - 1})[0];
    }

    /** Logits at chosen positions of a sequence (scoring), through a cache of its own. */
    public float[][] logitsAt(long[] ids, long[] positions) throws OrtException {
        try (KvCache cache = newCache(1, ids.length)) {
            return forward(cache, 0, ids, positions);
        }
    }

    /** Logits at every position of a prompt (tests and scoring), through a cache of its own. */
    public float[][] logitsAll(long[] ids) throws OrtException {
        try (KvCache cache = newCache(1, ids.length)) {
            long[] all = new long[ids.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return forward(cache, 0, ids, all);
        }
    }

    private float[][] forward(KvCache cache, int b, long[] ids, long[] positions) throws OrtException {
        if (ids.length == 0) throw new IllegalArgumentException("empty LM prompt");
        cache.setLength(b, ids.length);
        Map<String, OnnxTensor> in = new HashMap<>(), pinned = new HashMap<>();
        for (int l = 0; l < cache.layers(); l++) bind(in, pinned, l, cache.itemKey(b, l), cache.itemValue(b, l));
        return run(in, pinned, ids, new long[]{1, ids.length}, positions, new int[]{ids.length - 1}, ids.length)[0];
    }

    /** Appends one token to every sequence and returns each one's next-token logits [B][vocab]. */
    public float[][] decode(KvCache cache, long[] tokens) throws OrtException {
        if (tokens.length != cache.batch()) throw new IllegalArgumentException("one token per sequence");
        int[] seqlens = new int[tokens.length];
        int total = 0;
        for (int b = 0; b < tokens.length; b++) {
            cache.setLength(b, cache.length(b) + 1);
            seqlens[b] = cache.length(b) - 1;
            total = Math.max(total, cache.length(b));
        }
        Map<String, OnnxTensor> in = new HashMap<>(), pinned = new HashMap<>();
        for (int l = 0; l < cache.layers(); l++) bind(in, pinned, l, cache.key(l), cache.value(l));
        float[][][] out = run(in, pinned, tokens, new long[]{tokens.length, 1}, new long[]{0}, seqlens, total);
        float[][] logits = new float[tokens.length][];
        for (int b = 0; b < tokens.length; b++) logits[b] = out[b][0];
        return logits;
    }

    private static void bind(Map<String, OnnxTensor> in, Map<String, OnnxTensor> pinned, int l, OnnxTensor k, OnnxTensor v) {
        in.put(CausalLmGraph.pastKey(l), k);
        in.put(CausalLmGraph.pastValue(l), v);
        pinned.put(CausalLmGraph.presentKey(l), k);
        pinned.put(CausalLmGraph.presentValue(l), v);
    }

    /** Runs the graph; returns logits [B][positions][vocab]. */
    private float[][][] run(Map<String, OnnxTensor> in, Map<String, OnnxTensor> pinned, long[] ids, long[] idShape,
                            long[] positions, int[] seqlens, int total) throws OrtException {
        NetSession s = session.get();
        OnnxTensor idT = null, posT = null, seqT = null, totT = null;
        try {
            var env = org.aceforge.engine.runtime.OrtRuntime.env();
            idT = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), idShape);
            posT = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(positions), new long[]{positions.length});
            seqT = OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(seqlens), new long[]{seqlens.length});
            totT = OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(new int[]{total}), new long[0]);
            in.put("input_ids", idT);
            in.put("logit_positions", posT);
            in.put("seqlens_k", seqT);
            in.put("total_sequence_length", totT);
            float[] flat = s.run(in, Set.of("logits"), pinned).get("logits").toFloats();
            int batch = (int) idShape[0], vocab = config.vocabSize(), k = positions.length;
            float[][][] out = new float[batch][k][];
            for (int b = 0; b < batch; b++)
                for (int p = 0; p < k; p++)
                    out[b][p] = java.util.Arrays.copyOfRange(flat, (b * k + p) * vocab, (b * k + p + 1) * vocab);
            return out;
        } finally {
            for (OnnxTensor t : new OnnxTensor[]{idT, posT, seqT, totT}) if (t != null) t.close();
        }
    }

    /** Frees the network's memory (the tokenizer stays); it opens again on the next use. */
    public void releaseSessions() {
        session.close();
    }

    public boolean sessionOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        session.close();
        if (tokenizer != null) tokenizer.close();
    }
}
