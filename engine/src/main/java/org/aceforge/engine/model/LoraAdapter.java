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
 * A PEFT LoRA adapter for the DiT (spec §6): {@code adapter_config.json} (r, lora_alpha) and
 * {@code adapter_model.safetensors} with {@code base_model.model.<module>.lora_A.weight} [r, in] and
 * {@code lora_B.weight} [out, r], relative to the decoder. Applied as y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ with
 * s = (alpha / r) · scale — the same as merging W += s·B·A, without copying any weight.
 */
public final class LoraAdapter implements LowRankUpdates {
    private static final Pattern KEY = Pattern.compile("^(?:base_model\\.model\\.)?(.+)\\.lora_([AB])(?:\\.[A-Za-z0-9_]+)?\\.weight$");
    private final Path folder;
    private final double alphaOverR;
    /** DiT weight name → {A, B}. */
    private final Map<String, TensorData[]> pairs = new LinkedHashMap<>();

    private LoraAdapter(Path folder, double alphaOverR) {
        this.folder = folder;
        this.alphaOverR = alphaOverR;
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
        double r, alpha;
        try {
            JsonNode c = new ObjectMapper().readTree(config.toFile());
            r = c.path("r").asDouble(0);
            alpha = c.path("lora_alpha").asDouble(r);
        } catch (IOException e) {
            throw new ModelFolderException("LoRA " + config + ": unreadable (" + e.getMessage() + ")", e);
        }
        if (!(r > 0)) throw new ModelFolderException("LoRA " + config + ": rank r must be a positive number");
        LoraAdapter a = new LoraAdapter(folder, alpha / r);
        WeightSource w;
        try {
            w = SafeTensors.open(weights);
        } catch (IOException e) {
            throw new ModelFolderException("LoRA " + weights + ": unreadable (" + e.getMessage() + ")", e);
        }
        for (var e : w.tensors().entrySet()) {
            Matcher m = KEY.matcher(e.getKey());
            if (!m.matches()) continue;
            String target = "decoder." + m.group(1) + ".weight";
            a.pairs.computeIfAbsent(target, k -> new TensorData[2])[m.group(2).equals("A") ? 0 : 1] = e.getValue();
        }
        if (a.pairs.isEmpty()) throw new ModelFolderException("LoRA " + weights + ": no lora_A/lora_B tensors");
        for (var e : a.pairs.entrySet())
            if (e.getValue()[0] == null || e.getValue()[1] == null)
                throw new ModelFolderException("LoRA " + weights + ": " + e.getKey() + " has only one of lora_A and lora_B");
        return a;
    }

    public Path folder() { return folder; }

    /** alpha / r of the adapter's config. */
    @Override
    public double alphaOverR() { return alphaOverR; }

    public int modules() { return pairs.size(); }

    /** The A/B pair of a DiT weight, or null when the adapter leaves it alone. */
    @Override
    public Pair pair(String ditWeight) {
        TensorData[] p = pairs.get(ditWeight);
        return p == null ? null : new Pair(p[0], p[1]);
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
