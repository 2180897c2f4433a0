package org.aceforge.engine.cli;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Checkpoint;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.nets.AudioDetokenizerGraph;
import org.aceforge.engine.nets.AudioTokenizerGraph;
import org.aceforge.engine.nets.ConditionEncoderGraph;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.nets.TextEncoderGraph;
import org.aceforge.engine.nets.VaeGraphs;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code aceforge probe NET --model DIR --in NAME=FILE.npy … --out DIR}: runs one network of a model folder on given
 * tensors and writes each output as {@code out_NAME.npy}. Input names may carry the fixtures' {@code in_} prefix.
 */
@Command(name = "probe", description = "Run one network on .npy inputs and write its outputs as .npy.")
public final class ProbeCommand implements Callable<Integer> {
    static final List<String> NETS = List.of("text-encoder", "lyric-encoder", "condition-encoder", "dit", "tokenizer",
            "detokenizer", "vae-encode", "vae-decode");
    private static final Map<String, String> ALIASES = Map.of("lyric_embeds", "lyric_hidden_states", "latent", "latents");

    @Parameters(index = "0", paramLabel = "NET", description = "text-encoder, lyric-encoder, condition-encoder, dit, tokenizer, detokenizer, vae-encode, vae-decode")
    String net;
    @Option(names = "--model", required = true, description = "The model folder holding config.json and the weights.")
    Path model;
    @Option(names = "--in", required = true, paramLabel = "NAME=FILE.npy", description = "An input tensor (repeat).")
    Map<String, Path> inputs = new LinkedHashMap<>();
    @Option(names = "--out", required = true, description = "Folder for out_NAME.npy files.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!NETS.contains(net)) throw new IllegalArgumentException("unknown network '" + net + "': use one of " + String.join(", ", NETS));
        if (!Files.isDirectory(model)) throw new IllegalArgumentException("--model " + model + " is not a folder");
        Map<String, TensorData> in = new LinkedHashMap<>();
        for (var e : inputs.entrySet()) {
            String name = e.getKey().startsWith("in_") ? e.getKey().substring(3) : e.getKey();
            name = ALIASES.getOrDefault(name, name);
            try {
                in.put(name, Npy.read(e.getValue()));
            } catch (IOException ex) {
                throw new IllegalArgumentException("--in " + e.getKey() + ": " + ex.getMessage());
            }
        }
        if (net.equals("tokenizer") && in.containsKey("latents")) in.put("latents", padForTokenizer(in.get("latents"), model));
        OnnxGraph g = build(net, model);
        Files.createDirectories(out);
        try (NetSession s = new NetSession(net, g.toModelBytes(), g.externalWeights())) {
            for (String required : s.inputNames())
                if (!in.containsKey(required)) throw new IllegalArgumentException(net + " needs input '" + required + "' (give --in " + required + "=FILE.npy)");
            for (String given : in.keySet())
                if (!s.inputNames().contains(given)) throw new IllegalArgumentException(net + " has no input '" + given + "' (inputs: " + s.inputNames() + ")");
            Map<String, TensorData> res;
            try {
                res = s.run(in);
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalArgumentException(net + " rejected the inputs: " + e.getMessage().lines().findFirst().orElse(""));
            }
            for (var e : res.entrySet()) {
                Path f = out.resolve("out_" + e.getKey() + ".npy");
                Npy.write(f, e.getValue());
                System.out.println(f + "  " + e.getValue().shapeString());
            }
        }
        return Main.OK;
    }

    /**
     * The tokenizer runs on whole 5-frame windows: latents of another length are padded with the folder's silence
     * latent exactly as renders pad them ({@link org.aceforge.engine.pipeline.DitModel#padToPool}).
     */
    static TensorData padForTokenizer(TensorData latents, Path dir) throws IOException {
        AceStepConfig c = AceStepConfig.read(dir.resolve("config.json"));
        Tensor3 x = Tensor3.of(latents);
        int pool = c.poolWindowSize();
        if (x.frames() % pool == 0) return latents;
        if (!Files.isRegularFile(dir.resolve("silence_latent.pt")))
            throw new IllegalArgumentException("tokenizer: " + x.frames() + " latent frames are not a multiple of " + pool
                    + "; padding them as renders do needs " + dir.resolve("silence_latent.pt"));
        Tensor3 silence = org.aceforge.engine.pipeline.DitModel.readSilence(dir, x.channels());
        return org.aceforge.engine.pipeline.DitModel.padToPool(x, pool, silence).toTensorData(latents.name());
    }

    static OnnxGraph build(String net, Path dir) throws IOException {
        try {
            switch (net) {
                case "vae-encode", "vae-decode" -> {
                    VaeConfig c = VaeConfig.read(dir.resolve("config.json"));
                    WeightSource w = Checkpoint.open(dir, "diffusion_pytorch_model");
                    return net.equals("vae-encode") ? VaeGraphs.encoder(c, w) : VaeGraphs.decoder(c, w);
                }
                case "text-encoder" -> {
                    return TextEncoderGraph.build(Qwen3Config.read(dir.resolve("config.json")), Checkpoint.open(dir, "model"));
                }
                default -> {
                    AceStepConfig c = AceStepConfig.read(dir.resolve("config.json"));
                    WeightSource w = Checkpoint.open(dir, "model");
                    return switch (net) {
                        case "dit" -> DitGraph.build(c, w);
                        case "condition-encoder" -> ConditionEncoderGraph.build(c, w);
                        case "lyric-encoder" -> ConditionEncoderGraph.lyricEncoder(c, w);
                        case "tokenizer" -> AudioTokenizerGraph.build(c, w);
                        case "detokenizer" -> AudioDetokenizerGraph.build(c, w);
                        default -> throw new IllegalArgumentException("unknown network " + net);
                    };
                }
            }
        } catch (WeightSource.MissingTensorException e) {
            throw new ModelFolderException(dir + " cannot provide " + net + ": " + e.getMessage());
        }
    }
}
