package org.aceforge.engine.train;

import ai.onnxruntime.OnnxTensor;
import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.Gradients;
import org.aceforge.engine.graph.LowRankUpdates;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.nets.Transformer;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training pass that keeps only each layer's input and recomputes the rest (gradient checkpointing per layer):
 * the DiT's front, then each layer forward, keeping x₀ … x₂₄; the back and the loss with its gradient for x₂₄; then
 * from the last layer down, each layer again, forward and backward, from its kept input and the gradient of its
 * output, giving the gradient of its input and of its LoRA factors. Memory is one layer's activations plus the kept
 * inputs (24 × [tokens × 2048] floats) instead of every layer's; the price is one more forward pass.
 *
 * <p>All layers share one session per kind (global or sliding-window attention, forward or forward-and-backward):
 * the layer graph names its weights and factors generically ({@code layer.…}, {@code lora.…}) and each run feeds
 * layer i's under those names, in place. The dropout draw differs per layer through the seed each layer is fed.
 * Same inputs and outputs as the {@link LoraTrainingGraph} session; training thread only.
 */
final class LayerwisePass implements AutoCloseable {
    private static final String X = "x", COND = "cond", PROJ = "proj", TEMB = "temb", X_OUT = "x_out", GRAD_OUT = "grad_out", GRAD_X = "grad_x";
    private static final String LAYER = "layer.", LORA = "lora.";

    private final AceStepConfig c;
    private final WeightSource dit;
    private final LoraParameters params;
    private final Map<List<Integer>, Sessions> sessions = new HashMap<>();
    /** Per layer, its weights under the generic names, wrapped in place once. */
    private final List<Map<String, OnnxTensor>> layerWeights = new ArrayList<>();

    LayerwisePass(AceStepConfig c, WeightSource dit, LoraParameters params) {
        this.c = c;
        this.dit = dit;
        this.params = params;
    }

    /** The six sessions of one sample shape. */
    private record Sessions(NetSession front, NetSession back, NetSession[] forward, NetSession[] backward) implements AutoCloseable {
        @Override
        public void close() {
            front.close();
            back.close();
            for (NetSession s : forward) s.close();
            for (NetSession s : backward) s.close();
        }
    }

    /**
     * The loss ({@link LoraTrainingGraph#LOSS}) and each factor's gradient ({@link LoraTrainingGraph#GRAD} + key) for
     * the training graph's feeds.
     */
    Map<String, TensorData> run(Map<String, TensorData> feeds) throws Exception {
        TensorData xt = feeds.get("hidden_states"), cond = feeds.get("encoder_hidden_states");
        int frames = (int) xt.shape()[1], condLength = (int) cond.shape()[1];
        Sessions s = sessions(frames, condLength);
        Map<String, TensorData> front = s.front().run(pick(feeds, "hidden_states", "context_latents", "encoder_hidden_states", "timestep"));
        TensorData condition = front.get(COND), proj = front.get(PROJ);
        int layers = c.numHiddenLayers();
        TensorData[] xs = new TensorData[layers + 1];
        xs[0] = front.get(X);
        for (int i = 0; i < layers; i++)
            xs[i + 1] = s.forward()[c.sliding(i) ? 1 : 0].run(layerFeeds(i, xs[i], condition, proj, null, feeds), weights(i)).get(X_OUT);
        Map<String, TensorData> back = s.back().run(Map.of(X, rename(xs[layers], X), TEMB, rename(front.get(TEMB), TEMB),
                LoraTrainingGraph.TARGET, feeds.get(LoraTrainingGraph.TARGET)));
        Map<String, TensorData> out = new LinkedHashMap<>();
        out.put(LoraTrainingGraph.LOSS, back.get(LoraTrainingGraph.LOSS));
        TensorData grad = back.get(GRAD_X);
        for (int i = layers - 1; i >= 0; i--) {
            Map<String, TensorData> r = s.backward()[c.sliding(i) ? 1 : 0].run(layerFeeds(i, xs[i], condition, proj, grad, feeds), weights(i));
            grad = r.get(GRAD_X);
            for (LoraParameters.Module m : modules(i)) {
                String generic = genericPath(m, i);
                out.put(LoraTrainingGraph.GRAD + m.keyA(), r.get(LoraTrainingGraph.GRAD + LORA + generic + ".lora_A.weight"));
                out.put(LoraTrainingGraph.GRAD + m.keyB(), r.get(LoraTrainingGraph.GRAD + LORA + generic + ".lora_B.weight"));
            }
        }
        return out;
    }

    private Map<String, TensorData> layerFeeds(int layer, TensorData x, TensorData cond, TensorData proj, TensorData gradOut,
                                               Map<String, TensorData> feeds) {
        Map<String, TensorData> in = new HashMap<>();
        in.put(X, rename(x, X));
        in.put(COND, rename(cond, COND));
        in.put(PROJ, rename(proj, PROJ));
        if (gradOut != null) in.put(GRAD_OUT, rename(gradOut, GRAD_OUT));
        for (LoraParameters.Module m : modules(layer)) {
            String generic = LORA + genericPath(m, layer);
            in.put(generic + ".lora_A.weight", TensorData.ofFloats(generic + ".lora_A.weight", m.a(), params.rank(), m.in()));
            in.put(generic + ".lora_B.weight", TensorData.ofFloats(generic + ".lora_B.weight", m.b(), m.out(), params.rank()));
        }
        TensorData seed = feeds.get(OnnxGraph.LORA_DROPOUT_SEED);
        if (seed != null)   // a different draw in every layer, from the step's seed
            in.put(OnnxGraph.LORA_DROPOUT_SEED, TensorData.ofFloats(OnnxGraph.LORA_DROPOUT_SEED,
                    new float[]{seed.toFloats()[0] + 1.37f * (layer + 1)}, 1));
        return in;
    }

    private List<LoraParameters.Module> modules(int layer) {
        String prefix = "layers." + layer + ".";
        return params.modules().stream().filter(m -> m.path().startsWith(prefix)).toList();
    }

    /** "layers.3.self_attn.q_proj" → "self_attn.q_proj". */
    private static String genericPath(LoraParameters.Module m, int layer) {
        return m.path().substring(("layers." + layer + ".").length());
    }

    private Map<String, OnnxTensor> weights(int layer) throws Exception {
        while (layerWeights.size() <= layer) layerWeights.add(null);
        Map<String, OnnxTensor> w = layerWeights.get(layer);
        if (w != null) return w;
        w = new LinkedHashMap<>();
        for (TensorData t : generic(layer).tensors().values()) w.put(t.name(), NetSession.tensor(t));
        layerWeights.set(layer, w);
        return w;
    }

    /** Layer i's weights named as the shared layer graph names them ("layer.self_attn.q_proj.weight"). */
    private WeightSource generic(int layer) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (var e : dit.sub("decoder.layers." + layer + ".").tensors().entrySet())
            m.put(e.getKey(), rename(e.getValue(), LAYER + e.getKey()));
        return () -> m;
    }

    private static TensorData rename(TensorData t, String name) {
        return new TensorData(name, t.dtype(), t.shape(), t.bytes());
    }

    private static Map<String, TensorData> pick(Map<String, TensorData> feeds, String... names) {
        Map<String, TensorData> out = new HashMap<>();
        for (String n : names) out.put(n, feeds.get(n));
        return out;
    }

    private Sessions sessions(int frames, int condLength) throws Exception {
        List<Integer> key = List.of(frames, condLength);
        Sessions s = sessions.get(key);
        if (s != null) return s;
        Map<String, Long> sizes = Map.of("batch", 1L, "frames", (long) frames, "cond_len", (long) condLength,
                "patches", (long) ((frames + c.patchSize() - 1) / c.patchSize()));
        String tag = frames + "x" + condLength;
        List<NetSession> made = new ArrayList<>();
        try {
            NetSession front = open("lora-front-" + tag, front(sizes), true, made);
            NetSession back = open("lora-back-" + tag, back(sizes), true, made);
            NetSession[] forward = new NetSession[2], backward = new NetSession[2];
            for (int sliding = 0; sliding < 2; sliding++) {   // the layers' weights come with each run
                forward[sliding] = open("lora-layer-" + tag, layer(sizes, sliding == 1, false), false, made);
                backward[sliding] = open("lora-layer-grad-" + tag, layer(sizes, sliding == 1, true), false, made);
            }
            s = new Sessions(front, back, forward, backward);
        } catch (Exception | Error e) {
            made.forEach(NetSession::close);
            throw e;
        }
        sessions.put(key, s);
        return s;
    }

    private static NetSession open(String name, OnnxGraph g, boolean ownWeights, List<NetSession> made) throws Exception {
        NetSession s = NetSession.forTraining(name, g.toModelBytes(), g.externalWeights(), ownWeights ? g.fedWeights() : Map.of());
        made.add(s);
        return s;
    }

    private OnnxGraph front(Map<String, Long> sizes) {
        OnnxGraph g = new OnnxGraph("dit-front").feedWeights().fixSizes(sizes);
        int C = c.latentChannels(), H = c.hiddenSize();
        V xt = g.input("hidden_states", DType.F32, "batch", "frames", (long) C);
        V ctx = g.input("context_latents", DType.F32, "batch", "frames", (long) (c.inChannels() - C));
        V enc = g.input("encoder_hidden_states", DType.F32, "batch", "cond_len", (long) H);
        V t = g.input("timestep", DType.F32, "batch");
        DitGraph.Front f = DitGraph.front(g, c, dit.sub("decoder."), xt, ctx, enc, t);
        g.output(f.x(), X, DType.F32, "batch", "patches", (long) H);
        g.output(f.cond(), COND, DType.F32, "batch", "cond_len", (long) H);
        g.output(f.proj(), PROJ, DType.F32, "batch", 6L, (long) H);
        g.output(f.temb(), TEMB, DType.F32, "batch", (long) H);
        return g;
    }

    private OnnxGraph back(Map<String, Long> sizes) {
        OnnxGraph g = new OnnxGraph("dit-back").feedWeights().fixSizes(sizes);
        int C = c.latentChannels(), H = c.hiddenSize();
        V x = g.input(X, DType.F32, "batch", "patches", (long) H);
        V temb = g.input(TEMB, DType.F32, "batch", (long) H);
        V target = g.input(LoraTrainingGraph.TARGET, DType.F32, "batch", "frames", (long) C);
        V y = DitGraph.back(g, c, dit.sub("decoder."), x, temb, g.dim(target, 1));
        V diff = g.sub(y, target);
        V loss = g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 0)}, g.mul(diff, diff));
        g.output(loss, LoraTrainingGraph.LOSS, DType.F32);
        g.output(Gradients.list(g, loss, List.of(x)).get(0), GRAD_X, DType.F32, "batch", "patches", (long) H);
        return g;
    }

    /** One layer on generic names; with {@code gradients}, also d(Σ out ⊙ grad_out) for the input and the factors. */
    private OnnxGraph layer(Map<String, Long> sizes, boolean sliding, boolean gradients) {
        OnnxGraph g = new OnnxGraph("dit-layer").feedWeights().fixSizes(sizes).lora(new GenericLora(), 1.0);
        int H = c.hiddenSize();
        V x = g.input(X, DType.F32, "batch", "patches", (long) H);
        V cond = g.input(COND, DType.F32, "batch", "cond_len", (long) H);
        V proj = g.input(PROJ, DType.F32, "batch", 6L, (long) H);
        var a = c.attention();
        V mask = sliding ? Transformer.slidingMask(g, x, c.slidingWindow()) : null;
        V y = DitGraph.layer(g, generic(0), x, cond, null, proj, a, Transformer.rope(g, x, a), mask,
                mask == null ? 0 : c.slidingWindow(), 0, null, false);
        if (!gradients) {
            g.output(y, X_OUT, DType.F32, "batch", "patches", (long) H);
            return g;
        }
        V up = g.input(GRAD_OUT, DType.F32, "batch", "patches", (long) H);
        V loss = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, g.mul(y, up));
        List<V> wrt = new ArrayList<>(List.of(x));
        List<String> names = new ArrayList<>(new GenericLora().trainableNames());
        for (String n : names) wrt.add(new V(n));
        List<V> grads = Gradients.list(g, loss, wrt);
        g.output(grads.get(0), GRAD_X, DType.F32, "batch", "patches", (long) H);
        for (int i = 0; i < names.size(); i++) g.output(grads.get(i + 1), LoraTrainingGraph.GRAD + names.get(i), DType.F32);
        return g;
    }

    /** The adapter as the shared layer graph sees it: layer 0's modules under generic names (shapes only). */
    private final class GenericLora implements LowRankUpdates {
        @Override
        public Pair pair(String weightName) {
            if (!weightName.startsWith(LAYER) || !weightName.endsWith(".weight")) return null;
            String path = weightName.substring(LAYER.length(), weightName.length() - ".weight".length());
            for (LoraParameters.Module m : modules(0))
                if (genericPath(m, 0).equals(path))
                    return new Pair(TensorData.ofFloats(LORA + path + ".lora_A.weight", m.a(), params.rank(), m.in()),
                            TensorData.ofFloats(LORA + path + ".lora_B.weight", m.b(), m.out(), params.rank()), params.scale());
            return null;
        }

        @Override
        public Set<String> trainableNames() {
            Set<String> names = new LinkedHashSet<>();
            for (LoraParameters.Module m : modules(0)) {
                names.add(LORA + genericPath(m, 0) + ".lora_A.weight");
                names.add(LORA + genericPath(m, 0) + ".lora_B.weight");
            }
            return names;
        }

        @Override
        public double dropout() {
            return params.dropout();
        }
    }

    @Override
    public void close() {
        sessions.values().forEach(Sessions::close);
        sessions.clear();
        for (Map<String, OnnxTensor> w : layerWeights) if (w != null) w.values().forEach(OnnxTensor::close);
        layerWeights.clear();
    }
}
