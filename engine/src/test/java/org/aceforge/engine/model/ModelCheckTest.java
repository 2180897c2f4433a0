package org.aceforge.engine.model;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.SafeTensorsWriter;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code models check} on a dozen kinds of damage, each reported with its file, tensor, expected and found — never thrown. */
class ModelCheckTest {
    @TempDir
    Path tmp;
    int n;

    /** A checkpoints folder holding a copy of one demo-pack folder, damaged by {@code damage}. */
    Path with(String folder, Damage damage) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("c" + (n++)));
        Path src = ModelLocator.ensureDemoPack().root().resolve(folder), dst = Files.createDirectories(root.resolve(folder));
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName()));
        }
        damage.apply(dst);
        return root;
    }

    interface Damage {
        void apply(Path folder) throws Exception;
    }

    static void rewrite(Path file, UnaryOperator<List<TensorData>> change) throws Exception {
        List<TensorData> t = new ArrayList<>(SafeTensors.open(file).tensors().values());
        List<TensorData> copy = new ArrayList<>();
        for (TensorData x : t) {   // copied off the mapped file before it is replaced
            ByteBuffer b = ByteBuffer.allocate(x.bytes().remaining()).order(ByteOrder.LITTLE_ENDIAN);
            b.put(x.bytes().duplicate()).flip();
            copy.add(new TensorData(x.name(), x.dtype(), x.shape(), b));
        }
        Path tmpFile = file.resolveSibling("rewrite.tmp");
        SafeTensorsWriter.write(tmpFile, change.apply(copy));
        Files.move(tmpFile, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String only(Path root) {
        List<ModelCheck.Component> cs = ModelCheck.check(root);
        assertEquals(1, cs.size());
        return String.join("\n", cs.get(0).problems().stream().map(ModelCheck.Problem::line).toList());
    }

    static void has(String report, String... fragments) {
        for (String f : fragments) assertTrue(report.contains(f), "'" + f + "' in:\n" + report);
    }

    @Test
    void aCompleteFolderIsOk() throws Exception {
        List<ModelCheck.Component> cs = ModelCheck.check(ModelLocator.ensureDemoPack().root());
        assertEquals(5, cs.size());
        for (var c : cs) assertTrue(c.ok(), c.toString());
    }

    @Test
    void configProblems() throws Exception {
        has(only(with("acestep-v15-turbo", f -> Files.delete(f.resolve("config.json")))),
                "config.json: expected a config.json, found no file — download it again: ./aceforge models download main");
        has(only(with("acestep-v15-turbo", f -> Files.writeString(f.resolve("config.json"), "{\"hidden_size\": 12"))),
                "expected a valid config.json, found", "invalid JSON");
        has(only(with("acestep-v15-turbo", f -> Files.writeString(f.resolve("config.json"), "{\"hidden_size\": \"big\"}"))),
                "'hidden_size' must be a number");
    }

    @Test
    void damagedWeightFiles() throws Exception {
        has(only(with("vae", f -> Files.delete(f.resolve("diffusion_pytorch_model.safetensors")))),
                "expected readable safetensors weights, found", "no diffusion_pytorch_model.safetensors");
        has(only(with("vae", f -> {
            Path w = f.resolve("diffusion_pytorch_model.safetensors");
            byte[] b = Files.readAllBytes(w);
            Files.write(w, java.util.Arrays.copyOf(b, b.length / 2));
        })), "expected readable safetensors weights", "bad byte range");
        has(only(with("vae", f -> Files.write(f.resolve("diffusion_pytorch_model.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))),
                "not a safetensors file");
    }

    @Test
    void tensorProblems() throws Exception {
        has(only(with("acestep-v15-turbo", f -> rewrite(f.resolve("model.safetensors"),
                t -> t.stream().filter(x -> !x.name().equals("decoder.norm_out.weight")).toList()))),
                "decoder.norm_out.weight: expected shape [128], found no such tensor");
        has(only(with("acestep-v15-turbo", f -> rewrite(f.resolve("model.safetensors"), t -> t.stream().map(x -> x.name().equals("decoder.norm_out.weight")
                ? TensorData.ofFloats(x.name(), new float[64], 64) : x).toList()))),
                "decoder.norm_out.weight: expected shape [128] (from config.json), found shape [64]");
        has(only(with("acestep-v15-turbo", f -> rewrite(f.resolve("model.safetensors"), t -> t.stream().map(x -> x.name().equals("null_condition_emb")
                ? new TensorData(x.name(), org.aceforge.engine.tensors.DType.I32, x.shape(), x.bytes()) : x).toList()))),
                "null_condition_emb: expected f32, f16 or bf16, found i32");
        has(only(with("acestep-v15-turbo", f -> rewrite(f.resolve("model.safetensors"), t -> {
            List<TensorData> more = new ArrayList<>(t);
            more.add(TensorData.ofFloats("decoder.layers.7.mlp_norm.weight", new float[128], 128));
            return more;
        }))), "decoder.layers.7.mlp_norm.weight: expected at most the layers config.json declares, found layer 7");
        Path stranger = with("acestep-v15-turbo", f -> rewrite(f.resolve("model.safetensors"), t -> {
            List<TensorData> more = new ArrayList<>(t);
            more.add(TensorData.ofFloats("decoder.rotary_emb.inv_freq", new float[16], 16));
            return more;
        }));
        ModelCheck.Component c = ModelCheck.check(stranger).get(0);
        assertTrue(c.ok(), "a tensor the engine does not read is a note, not a problem");
        assertEquals(List.of("decoder.rotary_emb.inv_freq is not read by AceForge (ignored)"), c.notes());
    }

    @Test
    void foreignWeightsAndMissingSideFiles() throws Exception {
        String foreign = only(with("acestep-v15-turbo", f -> Files.copy(
                ModelLocator.ensureDemoPack().root().resolve("vae/diffusion_pytorch_model.safetensors"), f.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING)));
        has(foreign, "decoder.proj_in.1.weight: expected shape [128, 192, 2], found no such tensor", "the weights do not belong to this config.json");
        has(only(with("acestep-v15-turbo", f -> Files.delete(f.resolve("silence_latent.pt")))),
                "silence_latent.pt: expected the silence latent, found no file");
        has(only(with("acestep-5Hz-lm-0.6B", f -> Files.delete(f.resolve("tokenizer.json")))),
                "tokenizer.json: expected the tokenizer, found no file — download it again: ./aceforge models download acestep-5Hz-lm-0.6B");
        has(only(with("Qwen3-Embedding-0.6B", f -> Files.writeString(f.resolve("tokenizer.json"), "{not json"))),
                "tokenizer.json: expected a JSON tokenizer, found unreadable JSON");
    }

    @Test
    void theCommandExitsTwoOnAnyProblem() throws Exception {
        Path ok = with("vae", f -> { });
        assertEquals(0, org.aceforge.engine.cli.Main.execute("models", "check", ok.toString()));
        Path bad = with("vae", f -> Files.delete(f.resolve("config.json")));
        assertEquals(2, org.aceforge.engine.cli.Main.execute("models", "check", bad.toString()));
        assertEquals(2, org.aceforge.engine.cli.Main.execute("models", "check", Files.createDirectories(tmp.resolve("empty")).toString()));
    }
}
