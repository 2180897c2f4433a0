package org.aceforge.engine.pipeline;

import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.nets.TextEncoderGraph;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.LazySession;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.aceforge.engine.text.TextTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The Qwen3 text encoder folder: the caption runs the whole transformer; lyrics use only rows of the embedding table.
 * Worker threads only.
 */
public final class TextEncoderModel implements AutoCloseable {
    public static final int CAPTION_MAX_TOKENS = 256;
    public static final int LYRICS_MAX_TOKENS = 2048;
    private final Qwen3Config config;
    private final WeightSource weights;
    private final TextTokenizer tokenizer;
    private final LazySession session;

    public TextEncoderModel(Path folder, GraphCache cache) {
        this(folder, cache, null);
    }

    /** With {@code int8} non-null, the Qwen3 layers run on INT8 weights through that kernel (the embeddings stay fp32). */
    public TextEncoderModel(Path folder, GraphCache cache, org.aceforge.engine.graph.Int8Kernel int8) {
        try {
            config = Qwen3Config.read(folder.resolve("config.json"));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFolderException(folder + ": " + e.getMessage(), e);
        }
        WeightSource plain = TextEncoderGraph.prefixless(Checkpoint.open(folder, "model"));
        org.aceforge.engine.graph.Int8Weights q = int8 == null ? null : new org.aceforge.engine.graph.Int8Weights(plain, int8,
                org.aceforge.engine.runtime.QuantizedCache.forCheckpoint(folder, "model"));
        weights = q != null ? q : plain;
        tokenizer = new TextTokenizer(folder.resolve("tokenizer.json"));
        // On CPU the layers' small operators are AceForge's fused ones where the library loaded (LayerForm).
        org.aceforge.engine.nets.LayerForm form = org.aceforge.engine.nets.LayerForm.forDevice(org.aceforge.engine.runtime.OrtRuntime.device());
        session = new LazySession(TextEncoderGraph.NAME + (q == null ? "" : "-int8-" + int8.id()) + form.graphSuffix(),
                Checkpoint.configText(folder), weights, cache, () -> TextEncoderGraph.build(config, plain, q, form));
    }

    public Qwen3Config config() { return config; }

    public long[] tokenizeCaption(String prompt) {
        return tokenizer.encode(prompt, CAPTION_MAX_TOKENS);
    }

    public long[] tokenizeLyrics(String prompt) {
        return tokenizer.encode(prompt, LYRICS_MAX_TOKENS);
    }

    /** Caption prompt → last hidden state [1, L, hidden]. */
    public Tensor3 encodeCaption(String prompt) throws Exception {
        return encodeIds(tokenizeCaption(prompt));
    }

    private long[] lastIds;
    private Tensor3 lastHidden;

    /**
     * Token ids → last hidden state [1, L, hidden]. The last caption's is kept: a re-roll (the same caption, a new
     * seed) or a batch's next group encodes it once (0.5 s of a 10 s song on 2 CPU cores). Callers must not change the
     * tensor returned. Any thread.
     */
    public synchronized Tensor3 encodeIds(long[] ids) throws Exception {
        if (lastIds != null && Arrays.equals(lastIds, ids)) return lastHidden;
        TensorData in = TensorData.ofLongs("input_ids", ids, 1, ids.length);
        Tensor3 hidden = Tensor3.of(session.get().run(Map.of("input_ids", in)).get("last_hidden_state"));
        lastIds = ids.clone();
        lastHidden = hidden;
        return hidden;
    }

    /** Forgets the last caption's hidden state (see {@link DitModel#forgetCondition}). Any thread. */
    public synchronized void forget() {
        lastIds = null;
        lastHidden = null;
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids);
    }

    /** Lyric prompt → token embeddings [1, L, hidden] (no transformer pass). */
    public Tensor3 embedLyrics(String prompt) {
        return embed(tokenizeLyrics(prompt));
    }

    public Tensor3 embed(long[] ids) {
        TensorData table = weights.get("embed_tokens.weight");
        int H = config.hiddenSize();
        long vocab = table.shape()[0];
        float[] out = new float[ids.length * H];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) throw new IllegalStateException("token id " + ids[i] + " outside the embedding table");
            TensorData row = new TensorData("row", table.dtype(), new long[]{H},
                    table.bytes().duplicate().position((int) (ids[i] * H * table.dtype().byteSize)).limit((int) ((ids[i] + 1) * H * table.dtype().byteSize)).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN));
            System.arraycopy(row.toFloats(), 0, out, i * H, H);
        }
        return new Tensor3(out, 1, ids.length, H);
    }

    /** Frees the network's memory; it opens again on the next use (offload between stages). */
    public void releaseSessions() {
        session.close();
    }

    public int openSessions() {
        return session.isOpen() ? 1 : 0;
    }

    @Override
    public void close() {
        session.close();
        tokenizer.close();
    }
}
