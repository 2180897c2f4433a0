package org.aceforge.engine.train;

import org.aceforge.engine.graph.LowRankUpdates;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * The LoRA being trained: for each targeted DiT Linear (q/k/v/o of the self- and cross-attention of every layer, spec
 * §6), A [r, in] and B [out, r] in float32, applied as W + (alpha/r)·B·A. A starts as PEFT starts it (uniform in
 * ±1/√in, Kaiming with a = √5) and B at zero, so an untrained adapter changes nothing. The tensors carry PEFT's key
 * names ({@code base_model.model.layers.0.self_attn.q_proj.lora_A.weight}), which are also the training graph's input
 * names and the exported file's keys. The arrays are updated in place by the optimiser; training thread only.
 */
public final class LoraParameters implements LowRankUpdates {
    /** PEFT's target modules (matched by name suffix, so self- and cross-attention alike). */
    public static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    /** One adapted Linear: the DiT weight it adapts, its PEFT module path, and its factors. */
    public record Module(String weight, String path, int in, int out, float[] a, float[] b) {
        public String keyA() { return "base_model.model." + path + ".lora_A.weight"; }

        public String keyB() { return "base_model.model." + path + ".lora_B.weight"; }
    }

    private final int rank;
    private final double alpha;
    private final Map<String, Module> byWeight = new LinkedHashMap<>();
    private double dropout;

    private LoraParameters(int rank, double alpha) {
        this.rank = rank;
        this.alpha = alpha;
    }

    /** A fresh adapter for every targeted Linear of {@code dit} (the DiT checkpoint, names "decoder.layers.…"). */
    public static LoraParameters fresh(WeightSource dit, int layers, int rank, double alpha, long seed) {
        LoraParameters p = new LoraParameters(rank, alpha);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int l = 0; l < layers; l++)
            for (String attn : List.of("self_attn", "cross_attn"))
                for (String t : TARGETS) {
                    String path = "layers." + l + "." + attn + "." + t, weight = "decoder." + path + ".weight";
                    long[] shape = dit.get(weight).shape();   // [out, in]
                    int out = (int) shape[0], in = (int) shape[1];
                    if (rank > Math.min(in, out))
                        throw new IllegalArgumentException("--rank " + rank + " is larger than " + path + " (" + out + " × " + in + "): use at most " + Math.min(in, out));
                    float[] a = new float[rank * in];
                    double bound = 1 / Math.sqrt(in);
                    for (int i = 0; i < a.length; i++) a[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                    p.byWeight.put(weight, new Module(weight, path, in, out, a, new float[out * rank]));
                }
        return p;
    }

    public int rank() { return rank; }

    /** Sets the dropout on the LoRA input used while training (0 to below 1). */
    public LoraParameters dropout(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("--dropout " + p + " is out of range: use 0 to below 1");
        this.dropout = p;
        return this;
    }

    @Override
    public double dropout() { return dropout; }

    public double alpha() { return alpha; }

    /** The update's scale, alpha / r. */
    public double scale() { return alpha / rank; }

    public List<Module> modules() { return List.copyOf(byWeight.values()); }

    @Override
    public Pair pair(String weightName) {
        Module m = byWeight.get(weightName);
        return m == null ? null : new Pair(TensorData.ofFloats(m.keyA(), m.a(), rank, m.in()), TensorData.ofFloats(m.keyB(), m.b(), m.out(), rank), scale());
    }

    @Override
    public Set<String> trainableNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Module m : byWeight.values()) { names.add(m.keyA()); names.add(m.keyB()); }
        return Collections.unmodifiableSet(names);
    }

    /** The current factors as the training graph's inputs, by name. */
    public Map<String, TensorData> feeds() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Module m : byWeight.values()) {
            out.put(m.keyA(), TensorData.ofFloats(m.keyA(), m.a(), rank, m.in()));
            out.put(m.keyB(), TensorData.ofFloats(m.keyB(), m.b(), m.out(), rank));
        }
        return out;
    }

    /** Every factor's array by its key (what the optimiser updates). */
    public Map<String, float[]> arrays() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Module m : byWeight.values()) { out.put(m.keyA(), m.a()); out.put(m.keyB(), m.b()); }
        return out;
    }

    /** All names in a stable order. */
    public List<String> names() {
        return new ArrayList<>(trainableNames());
    }
}
