package org.aceforge.engine.model;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.pipeline.DitModel;
import org.aceforge.engine.pipeline.DitOptions;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.tensors.SafeTensorsWriter;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** A PEFT LoRA on the demo DiT: the in-graph low-rank branch equals merging W += (alpha/r)·scale·B·A in Java. */
public class LoraAdapterTest {
    @TempDir
    Path tmp;

    static final List<String> MODULES = List.of("layers.0.self_attn.q_proj", "layers.1.cross_attn.v_proj", "layers.1.self_attn.o_proj");

    /** Writes an adapter of rank 4, alpha 8 for three modules of the demo DiT. */
    public static Path adapter(Path dir, WeightSource dit, int rank) throws Exception {
        return adapter(dir, dit, rank, "", Map.of());
    }

    /** An adapter with more settings in its config ({@code extra}: JSON members) and per-module ranks. */
    static Path adapter(Path dir, WeightSource dit, int rank, String extra, Map<String, Integer> ranks) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": " + rank + ", \"lora_alpha\": 8, \"target_modules\": [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\"]" + extra + "}");
        Random r = new Random(4);
        List<TensorData> t = new java.util.ArrayList<>();
        for (String m : MODULES) {
            long[] shape = dit.get("decoder." + m + ".weight").shape();
            int k = ranks.getOrDefault(m, rank);
            t.add(gauss(r, "base_model.model." + m + ".lora_A.weight", 0.2, k, shape[1]));
            t.add(gauss(r, "base_model.model." + m + ".lora_B.weight", 0.2, shape[0], k));
        }
        SafeTensorsWriter.write(dir.resolve("adapter_model.safetensors"), t);
        return dir;
    }

    static TensorData gauss(Random r, String name, double s, long a, long b) {
        float[] v = new float[(int) (a * b)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * s);
        return TensorData.ofFloats(name, v, a, b);
    }

    @Test
    void inGraphLoraEqualsJavaMergedWeightsAndScaleZeroIsTheBase() throws Exception {
        ModelPack pack = DemoPackFixture.pack();
        Path ditDir = pack.dit(ModelPack.Variant.TURBO);
        WeightSource base = Checkpoint.open(ditDir, "model");
        Path lora = adapter(tmp.resolve("lora"), base, 4);
        assertEquals(2.0, LoraAdapter.read(lora).scale("decoder." + MODULES.get(0) + ".weight"), "alpha / r");
        checkAgainstMergedWeights(ditDir, base, lora, "lora");
    }

    /** rsLoRA (alpha / √r), rank_pattern and alpha_pattern, per module, as PEFT applies them. */
    @Test
    void rsLoraAndPerModuleRanksAndAlphasFollowPeft() throws Exception {
        Path ditDir = DemoPackFixture.pack().dit(ModelPack.Variant.TURBO);
        WeightSource base = Checkpoint.open(ditDir, "model");
        Path rs = adapter(tmp.resolve("rs"), base, 4, ", \"use_rslora\": true", Map.of());
        assertEquals(8 / Math.sqrt(4), LoraAdapter.read(rs).scale("decoder." + MODULES.get(0) + ".weight"), 1e-12);
        checkAgainstMergedWeights(ditDir, base, rs, "rs");
        Path patterns = adapter(tmp.resolve("patterns"), base, 4,
                ", \"rank_pattern\": {\"q_proj\": 2}, \"alpha_pattern\": {\"layers.1.cross_attn.v_proj\": 16}",
                Map.of("layers.0.self_attn.q_proj", 2));
        LoraAdapter p = LoraAdapter.read(patterns);
        assertEquals(8 / 2.0, p.scale("decoder.layers.0.self_attn.q_proj.weight"), 1e-12, "rank from rank_pattern");
        assertEquals(16 / 4.0, p.scale("decoder.layers.1.cross_attn.v_proj.weight"), 1e-12, "alpha from alpha_pattern");
        assertEquals(8 / 4.0, p.scale("decoder.layers.1.self_attn.o_proj.weight"), 1e-12, "neither");
        checkAgainstMergedWeights(ditDir, base, patterns, "patterns");
    }

    void checkAgainstMergedWeights(Path ditDir, WeightSource base, Path lora, String label) throws Exception {
        AceStepConfig c = AceStepConfig.read(ditDir.resolve("config.json"));
        Random r = new Random(2);
        Tensor3 x = rand(r, 1, 60, 64), ctx = rand(r, 1, 60, 128), enc = rand(r, 1, 12, 128);
        Condition cond = new Condition(enc, ctx);
        GraphCache cache = new GraphCache(tmp.resolve("graphs-" + label));
        float[] plain, zero, scaled;
        try (DitModel d = new DitModel(ditDir, cache)) { plain = d.velocityModel().velocity(x, 0.6, cond).data(); }
        try (DitModel d = new DitModel(ditDir, cache, new DitOptions(false, LoraAdapter.read(lora), 0.0))) { zero = d.velocityModel().velocity(x, 0.6, cond).data(); }
        try (DitModel d = new DitModel(ditDir, cache, new DitOptions(false, LoraAdapter.read(lora), 1.5))) { scaled = d.velocityModel().velocity(x, 0.6, cond).data(); }
        assertArrayEquals(plain, zero, "scale 0 is the base model");

        // Reference: W' = W + s · 1.5 · B·A (s the module's alpha / r), merged in Java, through the plain DiT graph.
        LoraAdapter a = LoraAdapter.read(lora);
        Map<String, TensorData> merged = new LinkedHashMap<>(base.tensors());
        for (String m : MODULES) {
            String name = "decoder." + m + ".weight";
            org.aceforge.engine.graph.LowRankUpdates.Pair p = a.pair(name);
            float[] w = base.get(name).toFloats(), A = p.a().toFloats(), B = p.b().toFloats();
            int out = (int) base.get(name).shape()[0], in = (int) base.get(name).shape()[1], rank = (int) p.a().shape()[0];
            for (int o = 0; o < out; o++)
                for (int i = 0; i < in; i++) {
                    double s = 0;
                    for (int k = 0; k < rank; k++) s += B[o * rank + k] * A[k * in + i];
                    w[o * in + i] += (float) (p.scale() * 1.5 * s);
                }
            merged.put(name, TensorData.ofFloats(name, w, out, in));
        }
        WeightSource mergedSource = () -> merged;
        var g = DitGraph.build(c, mergedSource);
        Map<String, TensorData> in = new LinkedHashMap<>();
        in.put("hidden_states", x.toTensorData("x"));
        in.put("context_latents", ctx.toTensorData("ctx"));
        in.put("encoder_hidden_states", enc.toTensorData("enc"));
        in.put("timestep", TensorData.ofFloats("t", new float[]{0.6f}, 1));
        float[] reference;
        try (NetSession s = new NetSession("merged", g.toModelBytes(), g.externalWeights())) {
            reference = s.run(in).get("velocity").toFloats();
        }
        double err = Ref.relErr(scaled, reference);
        assertTrue(err < 1e-5, "LoRA branch vs merged weights: " + err);
        assertTrue(Ref.relErr(scaled, plain) > 1e-3, "the adapter changes the output");
    }

    @Test
    void badAdaptersAreRefusedWithTheReason() throws Exception {
        WeightSource base = Checkpoint.open(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), "model");
        Path good = adapter(tmp.resolve("good"), base, 4);
        assertEquals(3, LoraAdapter.read(good).modules());

        for (String[] bad : new String[][]{{", \"use_dora\": true", "DoRA"}, {", \"bias\": \"all\"", "bias"},
                {", \"modules_to_save\": [\"proj_in\"]", "modules_to_save"}, {", \"peft_type\": \"LOHA\"", "LOHA"},
                {", \"fan_in_fan_out\": true", "fan_in_fan_out"}}) {
            Path f = adapter(tmp.resolve("bad" + bad[1]), base, 4, bad[0], Map.of());
            String msg = assertThrows(ModelFolderException.class, () -> LoraAdapter.read(f)).getMessage();
            assertTrue(msg.contains(bad[1]) && msg.contains("not supported"), msg);
        }
        Path rankMismatch = adapter(tmp.resolve("rank"), base, 4, "", Map.of("layers.0.self_attn.q_proj", 2));
        assertTrue(assertThrows(ModelFolderException.class, () -> LoraAdapter.read(rankMismatch)).getMessage().contains("has rank 2"));
        Path plain = adapter(tmp.resolve("plain"), base, 4), magnitude = Files.createDirectories(tmp.resolve("magnitude"));
        Files.copy(plain.resolve("adapter_config.json"), magnitude.resolve("adapter_config.json"));
        List<TensorData> withMagnitude = new java.util.ArrayList<>(org.aceforge.engine.tensors.SafeTensors.open(plain.resolve("adapter_model.safetensors")).tensors().values());
        withMagnitude.add(gauss(new Random(3), "base_model.model.layers.0.self_attn.q_proj.lora_magnitude_vector", 0.1, 1, 128));
        SafeTensorsWriter.write(magnitude.resolve("adapter_model.safetensors"), withMagnitude);
        assertTrue(assertThrows(ModelFolderException.class, () -> LoraAdapter.read(magnitude)).getMessage().contains("lora_magnitude_vector"));

        Path noConfig = adapter(tmp.resolve("noconfig"), base, 4);
        Files.delete(noConfig.resolve("adapter_config.json"));
        assertTrue(assertThrows(ModelFolderException.class, () -> LoraAdapter.read(noConfig)).getMessage().contains("adapter_config.json"));

        Path lokr = Files.createDirectories(tmp.resolve("lokr"));
        Files.writeString(lokr.resolve("lokr_weights.safetensors"), "x");
        assertTrue(assertThrows(ModelFolderException.class, () -> LoraAdapter.read(lokr)).getMessage().contains("LoKr"));

        Path wrongShape = Files.createDirectories(tmp.resolve("shape"));
        Files.writeString(wrongShape.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 4}");
        SafeTensorsWriter.write(wrongShape.resolve("adapter_model.safetensors"), List.of(
                gauss(new Random(1), "base_model.model.layers.0.self_attn.q_proj.lora_A.weight", 0.1, 4, 77),
                gauss(new Random(1), "base_model.model.layers.0.self_attn.q_proj.lora_B.weight", 0.1, 128, 4)));
        String m = assertThrows(ModelFolderException.class, () -> LoraAdapter.read(wrongShape).checkFits(base)).getMessage();
        assertTrue(m.contains("does not fit this DiT") && m.contains("q_proj"), m);

        Path wrongModule = Files.createDirectories(tmp.resolve("module"));
        Files.writeString(wrongModule.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 4}");
        SafeTensorsWriter.write(wrongModule.resolve("adapter_model.safetensors"), List.of(
                gauss(new Random(1), "base_model.model.layers.9.self_attn.q_proj.lora_A.weight", 0.1, 4, 128),
                gauss(new Random(1), "base_model.model.layers.9.self_attn.q_proj.lora_B.weight", 0.1, 128, 4)));
        assertThrows(ModelFolderException.class, () -> LoraAdapter.read(wrongModule).checkFits(base));

        Path half = Files.createDirectories(tmp.resolve("half"));
        Files.writeString(half.resolve("adapter_config.json"), "{\"r\": 4}");
        SafeTensorsWriter.write(half.resolve("adapter_model.safetensors"), List.of(
                gauss(new Random(1), "base_model.model.layers.0.self_attn.q_proj.lora_A.weight", 0.1, 4, 128)));
        assertTrue(assertThrows(ModelFolderException.class, () -> LoraAdapter.read(half)).getMessage().contains("only one of"));
    }

    static Tensor3 rand(Random r, int b, int t, int c) {
        float[] d = new float[b * t * c];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return new Tensor3(d, b, t, c);
    }
}
