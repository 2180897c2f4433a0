package org.aceforge.engine.pipeline;

import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.nets.AudioDetokenizerGraph;
import org.aceforge.engine.nets.AudioTokenizerGraph;
import org.aceforge.engine.nets.ConditionEncoderGraph;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.LazySession;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.VelocityModel;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DiT checkpoint folder ({@code acestep-v15-*}) with its networks: condition encoder, DiT, audio tokenizer and
 * detokenizer, plus the silence latent and the null-condition embedding. Sessions open on first use.
 * Worker threads only; one render at a time per instance.
 */
public final class DitModel implements AutoCloseable, org.aceforge.engine.tasks.LatentOps {
    private final Path folder;
    private final AceStepConfig config;
    private final WeightSource weights;
    private final Tensor3 silence;
    private final float[] nullEmbedding;
    private final LazySession dit, crossKv, encoder, timbre, tokenizer, detokenizer, align;
    private final boolean int8;
    private final org.aceforge.engine.graph.Int8Kernel int8Kernel;
    /** The text and condition encoders' kernel (MatMulNBits, or null: fp32 where it is not faster than fp32 here). */
    private final org.aceforge.engine.graph.Int8Kernel encoderKernel;

    public DitModel(Path folder, GraphCache cache) {
        this(folder, cache, DitOptions.DEFAULT);
    }

    public DitModel(Path folder, GraphCache cache, boolean int8) {
        this(folder, cache, new DitOptions(int8, null, 1.0));
    }

    /**
     * With {@code int8}, the DiT's Linear layers run on int8 weights quantized when its session opens; with a LoRA
     * folder, the adapter is checked against this DiT now and applied in the graph.
     */
    public DitModel(Path folder, GraphCache cache, DitOptions options) {
        this.folder = folder;
        // INT8 through the kernel this CPU runs fastest within the error budget, or fp32 where INT8 is not faster.
        org.aceforge.engine.runtime.Int8Choice.Choice choice = options.int8() ? org.aceforge.engine.runtime.Int8Choice.current() : null;
        this.int8Kernel = choice == null ? null : choice.kernel();
        this.int8 = int8Kernel != null;
        this.encoderKernel = choice == null || !int8 ? null : choice.encoders();
        try {
            this.config = AceStepConfig.read(folder.resolve("config.json"));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFolderException(folder + ": " + e.getMessage(), e);
        }
        this.weights = Checkpoint.open(folder, "model");
        this.silence = readSilence(folder, config.latentChannels());
        this.nullEmbedding = weights.has("null_condition_emb") ? weights.floats("null_condition_emb") : null;
        String cfg = Checkpoint.configText(folder);
        org.aceforge.engine.model.LoraAdapter lora = options.lora();
        if (lora != null) lora.checkFits(weights);   // read when the request was submitted; here: does it fit this DiT
        WeightSource ditWeights = lora == null ? weights : lora.over(weights);
        // The quantized forms kept on disk between processes (not with a LoRA: its update is folded into the weights).
        org.aceforge.engine.runtime.QuantizedCache stored = int8 || encoderKernel != null
                ? org.aceforge.engine.runtime.QuantizedCache.forCheckpoint(folder, "model") : null;
        org.aceforge.engine.graph.Int8Weights q = int8 ? new org.aceforge.engine.graph.Int8Weights(ditWeights, int8Kernel,
                lora == null ? stored : null) : null;
        // The graph cache key holds everything the graph depends on: int8 and its kernel, the adapter's tensors, and
        // the LoRA scale.
        // On CPU the layers' small operators are AceForge's fused ones where the library loaded (LayerForm).
        org.aceforge.engine.nets.LayerForm form = org.aceforge.engine.nets.LayerForm.forDevice(org.aceforge.engine.runtime.OrtRuntime.device());
        String name = DitGraph.NAME + (int8 ? "-int8-" + int8Kernel.id() : "") + (lora == null ? "" : "-lora") + form.graphSuffix();
        String key = lora == null ? cfg : cfg + "\nlora_scale=" + options.loraScale() + "\nlora_module_scales=" + lora.scalesKey();
        dit = new LazySession(name + "-given-kv", key, int8 ? q : ditWeights, cache,
                () -> DitGraph.build(form.graph(DitGraph.NAME), config, weights, q, lora, options.loraScale(), null, true, true));
        crossKv = new LazySession(name + "-cross-kv", key, int8 ? q : ditWeights, cache,
                () -> DitGraph.crossKeysAndValues(config, weights, q, lora, options.loraScale()));
        Map<Integer, int[]> heads = alignHeads(config);
        align = new LazySession(name + "-align", key + "\nalign=" + headsText(heads), int8 ? q : ditWeights, cache,
                () -> DitGraph.build(form.graph(DitGraph.NAME), config, weights, q, lora, options.loraScale(), heads, false, true));
        // The condition encoder on INT8 with the DiT, always through MatMulNBits (per-block weight scales, activations
        // per row), the precise kernel, as for the text encoder: it runs once per render on a few hundred rows — and
        // on fp32 where MatMulNBits is not faster than fp32 (AVX2 without VNNI).
        boolean encoderInt8 = encoderKernel != null;
        org.aceforge.engine.graph.Int8Weights cq = encoderInt8 ? new org.aceforge.engine.graph.Int8Weights(weights, encoderKernel, stored) : null;
        String encoderName = ConditionEncoderGraph.NAME + (encoderInt8 ? "-int8" : "") + form.graphSuffix();
        encoder = new LazySession(encoderName + "-given-timbre", cfg, encoderInt8 ? cq : weights, cache,
                () -> ConditionEncoderGraph.givenTimbre(config, weights, cq, form));
        timbre = new LazySession(encoderName + "-timbre", cfg, encoderInt8 ? cq : weights, cache,
                () -> ConditionEncoderGraph.timbreEncoder(config, weights, cq, form));
        tokenizer = new LazySession(AudioTokenizerGraph.NAME, cfg, weights, cache, () -> AudioTokenizerGraph.build(config, weights));
        detokenizer = new LazySession(AudioDetokenizerGraph.NAME, cfg, weights, cache, () -> AudioDetokenizerGraph.build(config, weights));
    }

    /** The cross-attention heads that follow the lyrics (spec §4.9 custom_layers_config: layer → heads). */
    public static final Map<Integer, int[]> LYRIC_HEADS = Map.of(2, new int[]{6}, 3, new int[]{10, 11}, 4, new int[]{3},
            5, new int[]{8, 9}, 6, new int[]{8});

    /** The reference's heads for the full DiT; every head of every layer for a smaller one (the demo pack). */
    static Map<Integer, int[]> alignHeads(AceStepConfig c) {
        if (c.numHiddenLayers() > 6 && c.numAttentionHeads() > 11) return LYRIC_HEADS;
        Map<Integer, int[]> all = new java.util.TreeMap<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) all.put(l, java.util.stream.IntStream.range(0, c.numAttentionHeads()).toArray());
        return all;
    }

    private static String headsText(Map<Integer, int[]> heads) {
        StringBuilder s = new StringBuilder();
        new java.util.TreeMap<>(heads).forEach((l, h) -> s.append(l).append(Arrays.toString(h)));
        return s.toString();
    }

    /**
     * One DiT forward that also returns the raw cross-attention scores of the lyric-following heads, for a batch of
     * one: a list over (layer, head) of [tokens][condition length] (tokens are patches, 12.5 per second).
     */
    public java.util.List<float[][]> crossScores(Tensor3 xt, double t, Condition cond) throws Exception {
        Map<String, TensorData> in = new LinkedHashMap<>();
        in.put("hidden_states", xt.toTensorData("x"));
        in.put("context_latents", cond.contextLatents().toTensorData("ctx"));
        in.put("encoder_hidden_states", cond.encoderStates().toTensorData("enc"));
        in.put("timestep", TensorData.ofFloats("t", new float[]{(float) t}, 1));
        Map<String, TensorData> out = align.get().run(in);
        java.util.List<float[][]> maps = new java.util.ArrayList<>();
        for (int layer : new java.util.TreeMap<>(alignHeads(config)).keySet()) {
            TensorData s = out.get(DitGraph.crossScores(layer));
            long[] sh = s.shape();   // [1, heads, T, L]
            float[] d = s.toFloats();
            int heads = (int) sh[1], T = (int) sh[2], L = (int) sh[3];
            for (int h = 0; h < heads; h++) {
                float[][] m = new float[T][L];
                for (int i = 0; i < T; i++) System.arraycopy(d, (h * T + i) * L, m[i], 0, L);
                maps.add(m);
            }
        }
        return maps;
    }

    /** The folder's silence latent [1, T, C] ({@link org.aceforge.engine.model.SilenceLatent}). */
    public static Tensor3 readSilence(Path folder, int channels) {
        return org.aceforge.engine.model.SilenceLatent.read(folder, channels);
    }

    public AceStepConfig config() { return config; }
    public Path folder() { return folder; }
    public boolean int8() { return int8; }
    /** The INT8 kernel the DiT runs on (null: fp32 — not asked, or not faster on this CPU). */
    public org.aceforge.engine.graph.Int8Kernel int8Kernel() { return int8Kernel; }

    /** The INT8 kernel of the text and condition encoders (null: fp32). */
    public org.aceforge.engine.graph.Int8Kernel encoderKernel() { return encoderKernel; }
    public WeightSource weights() { return weights; }
    public float[] nullEmbedding() { return nullEmbedding; }

    public boolean isTurbo() {
        return config.isTurbo();
    }

    /** The first n frames of the silence latent [1, n, C] (repeated cyclically past its end). */
    public Tensor3 silence(int n) {
        return silenceFrames(silence, n);
    }

    /** The first n frames of a silence latent [1, T, C], repeated cyclically past its end. */
    public static Tensor3 silenceFrames(Tensor3 silence, int n) {
        int C = silence.channels(), have = silence.frames();
        float[] out = new float[n * C];
        for (int f = 0; f < n; f++) System.arraycopy(silence.data(), (f % have) * C, out, f * C, C);
        return new Tensor3(out, 1, n, C);
    }

    /**
     * Latents [B, T, C] padded at the end with silence frames to a whole number of {@code pool} frames, as the
     * reference pads before the 5 Hz tokenizer (unchanged when T already is a multiple).
     */
    public static Tensor3 padToPool(Tensor3 latents, int pool, Tensor3 silence) {
        int T = latents.frames(), padded = (T + pool - 1) / pool * pool, C = latents.channels();
        if (padded == T) return latents;
        Tensor3 pad = silenceFrames(silence, padded - T).repeatBatch(latents.batch());
        float[] out = new float[latents.batch() * padded * C];
        for (int b = 0; b < latents.batch(); b++) {
            System.arraycopy(latents.data(), b * T * C, out, b * padded * C, T * C);
            System.arraycopy(pad.data(), b * (padded - T) * C, out, (b * padded + T) * C, (padded - T) * C);
        }
        return new Tensor3(out, latents.batch(), padded, C);
    }

    private Tensor3[] lastConditionInputs;
    private Tensor3 lastEncoded;

    /**
     * Packed condition: text [B, Lt, Dt], lyrics [B, Ll, Dt], references [B·R, Tr, C] → [B, L, H]. The last one is
     * kept: a re-roll (the same caption, lyrics and references, a new seed) encodes it once. Callers must not change
     * the tensor returned. Any thread.
     */
    public synchronized Tensor3 encodeCondition(Tensor3 text, Tensor3 lyrics, Tensor3 refs) throws Exception {
        Tensor3[] inputs = {text, lyrics, refs};
        if (lastConditionInputs != null && sameTensors(lastConditionInputs, inputs)) return lastEncoded;
        Map<String, TensorData> in = new LinkedHashMap<>();
        in.put("text_hidden_states", text.toTensorData("text"));
        in.put("lyric_hidden_states", lyrics.toTensorData("lyrics"));
        in.put("timbre_states", timbre(refs).toTensorData("timbre"));
        Tensor3 encoded = Tensor3.of(encoder.get().run(in).get("encoder_hidden_states"));
        lastConditionInputs = new Tensor3[]{copy(text), copy(lyrics), copy(refs)};
        lastEncoded = encoded;
        return encoded;
    }

    private static boolean sameTensors(Tensor3[] a, Tensor3[] b) {
        for (int i = 0; i < a.length; i++)
            if (a[i].batch() != b[i].batch() || a[i].frames() != b[i].frames() || a[i].channels() != b[i].channels()
                    || !Arrays.equals(a[i].data(), b[i].data())) return false;
        return true;
    }

    private static Tensor3 copy(Tensor3 t) {
        return new Tensor3(t.data().clone(), t.batch(), t.frames(), t.channels());
    }

    private Tensor3 lastRefs, lastTimbre;

    /**
     * The timbre rows of the references [N, 1, H]. The last references' rows are kept: a render without a reference
     * encodes 30 s of silence through the timbre encoder (about half of the conditioning's work at full size), and
     * that is the same every time, as is a reference reused across renders.
     */
    synchronized Tensor3 timbre(Tensor3 refs) throws Exception {
        if (lastRefs != null && lastRefs.batch() == refs.batch() && lastRefs.frames() == refs.frames()
                && Arrays.equals(lastRefs.data(), refs.data())) return lastTimbre;
        Tensor3 t = Tensor3.of(timbre.get().run(Map.of("refer_latents", refs.toTensorData("refs"))).get("timbre_states"));
        lastRefs = refs;
        lastTimbre = t;
        return t;
    }

    public VelocityModel velocityModel() {
        return (xt, t, cond) -> {
            org.aceforge.engine.runtime.OutOfMemory.injectForDitBatch(xt.batch());
            float[] ts = new float[xt.batch()];
            Arrays.fill(ts, (float) t);
            Map<String, TensorData> in = new LinkedHashMap<>();
            in.put("hidden_states", xt.toTensorData("x"));
            in.put("context_latents", cond.contextLatents().toTensorData("ctx"));
            in.put("timestep", TensorData.ofFloats("t", ts, ts.length));
            in.putAll(crossKeysAndValues(cond.encoderStates()));
            return Tensor3.of(dit.get().run(in).get("velocity"));
        };
    }

    private Tensor3 lastCondition;
    private Map<String, TensorData> lastCrossKv;

    /**
     * Every layer's cross-attention keys and values for a condition. They depend on the condition only, which stays
     * the same through a render's steps (a cover's switch to the released condition is a new one), so they are
     * computed at the first step and reused — 8 steps pay for them once (at 10 s with a song's lyrics, about a fifth
     * of a step's work).
     */
    synchronized Map<String, TensorData> crossKeysAndValues(Tensor3 enc) throws Exception {
        boolean same = lastCondition == enc || lastCondition != null && lastCondition.batch() == enc.batch()
                && lastCondition.frames() == enc.frames() && Arrays.equals(lastCondition.data(), enc.data());
        if (!same) {
            lastCrossKv = crossKv.get().run(Map.of("encoder_hidden_states", enc.toTensorData("enc")));
            lastCondition = enc;
        }
        return lastCrossKv;
    }

    /**
     * Forgets the last condition (its encoding and its cross-attention keys and values), so the next render computes
     * them as a new request does: a render of the same caption and lyrics (a new seed, say) reuses them, which the
     * song bench must not count as a whole render's figure. The silence reference's timbre rows stay: they are a
     * constant of the model. Any thread, between renders.
     */
    public synchronized void forgetCondition() {
        lastConditionInputs = null;
        lastEncoded = null;
        lastCondition = null;
        lastCrossKv = null;
    }

    /** 25 Hz latents [B, T, C] → 5 Hz codes [B][ceil(T/5)] (padded with silence frames as the reference does). */
    public long[][] tokenize(Tensor3 latents) throws Exception {
        int pool = config.poolWindowSize();
        Tensor3 x = padToPool(latents, pool, silence);
        int padded = x.frames();
        TensorData idx = tokenizer.get().run(Map.of("latents", x.toTensorData("latents"))).get("indices");
        long[] flat = idx.toLongs();
        int n = padded / pool;
        long[][] codes = new long[latents.batch()][n];
        for (int b = 0; b < codes.length; b++) System.arraycopy(flat, b * n, codes[b], 0, n);
        return codes;
    }

    /** Codes [B][n] → 25 Hz hints [B, 5n, C]. */
    public Tensor3 detokenize(long[][] codes) throws Exception {
        int n = codes[0].length;
        long[] flat = new long[codes.length * n];
        for (int b = 0; b < codes.length; b++) System.arraycopy(codes[b], 0, flat, b * n, n);
        return Tensor3.of(detokenizer.get().run(Map.of("indices", TensorData.ofLongs("indices", flat, codes.length, n))).get("detokenized"));
    }

    /** The cover context: FSQ round trip of the source latents, cropped back to T. */
    public Tensor3 fsqRoundTrip(Tensor3 src) throws Exception {
        return detokenize(tokenize(src)).frames(0, src.frames());
    }

    /** Frees the networks' memory; they open again on the next use (offload between stages). */
    public void releaseSessions() {
        close();
    }

    public int openSessions() {
        int n = 0;
        for (LazySession s : new LazySession[]{dit, crossKv, encoder, timbre, tokenizer, detokenizer, align}) if (s.isOpen()) n++;
        return n;
    }

    @Override
    public void close() {
        dit.close();
        crossKv.close();
        encoder.close();
        timbre.close();
        tokenizer.close();
        detokenizer.close();
        align.close();
    }
}
