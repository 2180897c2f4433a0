package org.aceforge.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.aceforge.engine.graph.LowRankUpdates;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter for the DiT (spec §6): {@code adapter_config.json} and {@code adapter_model.safetensors} with
 * {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code lora_B.weight} [out, r], relative to the
 * decoder. Applied as y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ — the same as merging W += s·B·A, without copying any weight — with
 * s = (alpha / r) · scale per module, where r and alpha are the module's {@code rank_pattern} / {@code alpha_pattern}
 * entry or {@code r} / {@code lora_alpha}, and alpha / √r with {@code use_rslora}. What PEFT can hold but this does
 * not apply (DoRA, biases, fully trained modules, embedding or convolution adapters, fan-in/fan-out layout, other
 * PEFT types) is refused, never ignored.
 */
public final class LoraAdapter implements LowRankUpdates {
    private static final Pattern KEY = Pattern.compile("^(?:base_model\\.model\\.)?(.+)\\.lora_([AB])(?:\\.[A-Za-z0-9_]+)?\\.weight$");
    private final Path folder;
    /** DiT weight name → {A, B}. */
    private final Map<String, TensorData[]> pairs = new LinkedHashMap<>();
    /** DiT weight name → alpha / r (or alpha / √r). */
    private final Map<String, Double> scales = new LinkedHashMap<>();

    private LoraAdapter(Path folder) {
        this.folder = folder;
    }

    /** The adapter's settings that decide each module's scale. */
    private record Settings(double r, double alpha, boolean rslora, Map<String, Double> rankPattern, Map<String, Double> alphaPattern) {
        /** PEFT's pattern lookup: the first key that is the module's name or a dotted suffix of it (a regex). */
        static Double lookup(Map<String, Double> pattern, String module) {
            for (var e : pattern.entrySet())
                if (module.matches("(.*\\.)?(" + e.getKey() + ")")) return e.getValue();
            return null;
        }

        double scale(String module) {
            Double rk = lookup(rankPattern, module), al = lookup(alphaPattern, module);
            double rank = rk != null ? rk : r, a = al != null ? al : alpha;
            return rslora ? a / Math.sqrt(rank) : a / rank;
        }

        double rank(String module) {
            Double rk = lookup(rankPattern, module);
            return rk != null ? rk : r;
        }
    }

    /** Reads an adapter folder; the message says what is wrong and what to do. */
    public static LoraAdapter read(Path folder) {
        if (!Files.isDirectory(folder)) throw new ModelFolderException("LoRA " + folder + " is not a folder");
        Path config = folder.resolve("adapter_config.json"), weights = folder.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(weights)) {
            if (Files.isRegularFile(folder.resolve("lokr_weights.safetensors")))
                throw new ModelFolderException("LoRA " + folder + ": LoKr adapters are not supported yet (only PEFT LoRA)");
            throw new ModelFolderException("LoRA " + folder + ": missing adapter_model.safetensors");
        }
        if (!Files.isRegularFile(config)) throw new ModelFolderException("LoRA " + folder + ": missing adapter_config.json");
        Settings settings;
        try {
            settings = settings(new ObjectMapper().readTree(config.toFile()), config);
        } catch (IOException e) {
            throw new ModelFolderException("LoRA " + config + ": unreadable (" + e.getMessage() + ")", e);
        }
        LoraAdapter a = new LoraAdapter(folder);
        WeightSource w;
        try {
            w = SafeTensors.open(weights);
        } catch (IOException e) {
            throw new ModelFolderException("LoRA " + weights + ": unreadable (" + e.getMessage() + ")", e);
        }
        for (var e : w.tensors().entrySet()) {
            Matcher m = KEY.matcher(e.getKey());
            if (!m.matches())
                throw new ModelFolderException("LoRA " + weights + ": holds " + e.getKey() + ", which AceForge does not apply "
                        + "(only lora_A/lora_B of Linear layers; no DoRA magnitudes, biases, embeddings or saved modules)");
            String target = "decoder." + m.group(1) + ".weight";
            a.pairs.computeIfAbsent(target, k -> new TensorData[2])[m.group(2).equals("A") ? 0 : 1] = e.getValue();
            double rank = settings.rank(m.group(1));
            long[] shape = e.getValue().shape();
            long stored = m.group(2).equals("A") ? shape[0] : shape[shape.length - 1];
            if (shape.length != 2 || stored != rank)
                throw new ModelFolderException("LoRA " + weights + ": " + e.getKey() + " has rank " + (shape.length == 2 ? stored : "?")
                        + " but adapter_config.json gives this module r = " + (long) rank);
            a.scales.put(target, settings.scale(m.group(1)));
        }
        if (a.pairs.isEmpty()) throw new ModelFolderException("LoRA " + weights + ": no lora_A/lora_B tensors");
        for (var e : a.pairs.entrySet())
            if (e.getValue()[0] == null || e.getValue()[1] == null)
                throw new ModelFolderException("LoRA " + weights + ": " + e.getKey() + " has only one of lora_A and lora_B");
        return a;
    }

    public Path folder() { return folder; }

    /** The scale of a DiT weight's update before the user's own: alpha / r (or alpha / √r), per module. */
    public double scale(String ditWeight) {
        Double v = scales.get(ditWeight);
        return v == null ? 0 : v;
    }

    /** Every module's scale, for the graph cache key. */
    public String scalesKey() {
        StringBuilder b = new StringBuilder();
        scales.forEach((k, v) -> b.append(k).append('=').append(v).append(';'));
        return b.toString();
    }

    /** The settings of adapter_config.json; what cannot be applied is refused with the reason. */
    private static Settings settings(JsonNode c, Path config) {
        String type = c.path("peft_type").asText("LORA");
        if (!type.equalsIgnoreCase("LORA"))
            throw new ModelFolderException("LoRA " + config + ": peft_type " + type + " is not supported (only LORA)");
        if (c.path("use_dora").asBoolean(false))
            throw new ModelFolderException("LoRA " + config + ": DoRA adapters (use_dora) are not supported");
        if (c.path("fan_in_fan_out").asBoolean(false))
            throw new ModelFolderException("LoRA " + config + ": fan_in_fan_out adapters are not supported (the DiT's layers are Linear)");
        String bias = c.path("bias").asText("none");
        if (!bias.equals("none"))
            throw new ModelFolderException("LoRA " + config + ": bias '" + bias + "' is not supported (only \"none\")");
        JsonNode saved = c.path("modules_to_save");
        if (saved.isArray() && !saved.isEmpty())
            throw new ModelFolderException("LoRA " + config + ": modules_to_save (fully trained modules) is not supported");
        double r = c.path("r").asDouble(0);
        if (!(r > 0)) throw new ModelFolderException("LoRA " + config + ": rank r must be a positive number");
        return new Settings(r, c.path("lora_alpha").asDouble(r), c.path("use_rslora").asBoolean(false),
                pattern(c.path("rank_pattern"), config, "rank_pattern"), pattern(c.path("alpha_pattern"), config, "alpha_pattern"));
    }

    private static Map<String, Double> pattern(JsonNode n, Path config, String field) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) return out;
        if (!n.isObject()) throw new ModelFolderException("LoRA " + config + ": " + field + " must be an object");
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber() || !(e.getValue().asDouble() > 0))
                throw new ModelFolderException("LoRA " + config + ": " + field + " '" + e.getKey() + "' must be a positive number");
            out.put(e.getKey(), e.getValue().asDouble());
        });
        return out;
    }

    public int modules() { return pairs.size(); }

    /** The A/B pair of a DiT weight, or null when the adapter leaves it alone. */
    @Override
    public Pair pair(String ditWeight) {
        TensorData[] p = pairs.get(ditWeight);
        return p == null ? null : new Pair(p[0], p[1], scales.get(ditWeight));
    }

    /** Checks that every pair fits a weight of this DiT (name and shapes). */
    public void checkFits(WeightSource dit) {
        for (var e : pairs.entrySet()) {
            if (!dit.has(e.getKey()))
                throw new ModelFolderException("LoRA " + folder + " does not fit this DiT: it adapts " + e.getKey() + ", which the DiT does not have");
            long[] w = dit.get(e.getKey()).shape(), a = e.getValue()[0].shape(), b = e.getValue()[1].shape();
            if (w.length != 2 || a.length != 2 || b.length != 2 || a[1] != w[1] || b[0] != w[0] || a[0] != b[1])
                throw new ModelFolderException("LoRA " + folder + " does not fit this DiT: " + e.getKey() + " is "
                        + dit.get(e.getKey()).shapeString() + " but lora_A is " + e.getValue()[0].shapeString()
                        + " and lora_B " + e.getValue()[1].shapeString());
        }
    }

    /** The DiT's tensors plus the adapter's, under their own names (for the graph cache). */
    public WeightSource over(WeightSource dit) {
        Map<String, TensorData> m = new LinkedHashMap<>(dit.tensors());
        for (TensorData[] p : pairs.values()) {
            m.put(p[0].name(), p[0]);
            m.put(p[1].name(), p[1]);
        }
        return () -> m;
    }
}
