package org.aceforge.engine.cli;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.tensors.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code aceforge probe} reproduces every fixture through the loading code that reads real checkpoints. */
class ProbeCliTest {
    @TempDir
    Path out;

    Path probe(String net, String fixture, String... inputs) {
        Path dir = Fixtures.dir(fixture);
        List<String> a = new ArrayList<>(List.of("probe", net, "--model", dir.toString(), "--out", out.toString()));
        for (String in : inputs) {
            a.add("--in");
            a.add(in + "=" + dir.resolve("in_" + in + ".npy"));
        }
        RenderCliTest.Run r = RenderCliTest.cli(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return dir;
    }

    void same(String what, Path got, Path expected, double tol) throws Exception {
        double err = Ref.relErr(Npy.read(got).toFloats(), Npy.read(expected).toFloats());
        assertTrue(err < tol, what + " relative error " + err);
    }

    @Test
    void dit() throws Exception {
        Path d = probe("dit", "dit-tiny", "hidden_states", "context_latents", "encoder_hidden_states", "timestep");
        same("velocity", out.resolve("out_velocity.npy"), d.resolve("out_velocity.npy"), 1e-4);
    }

    @Test
    void conditionEncoderAndLyricEncoder() throws Exception {
        Path d = probe("condition-encoder", "cond-tiny", "text_hidden_states", "lyric_embeds", "refer_latents");
        same("encoder states", out.resolve("out_encoder_hidden_states.npy"), d.resolve("out_encoder_hidden_states.npy"), 1e-5);
        probe("lyric-encoder", "cond-tiny", "lyric_embeds");
        same("lyric encoder", out.resolve("out_lyric_out.npy"), d.resolve("debug/lyric_out.npy"), 1e-5);
    }

    @Test
    void tokenizerAndDetokenizer() throws Exception {
        Path d = probe("tokenizer", "fsq-tiny", "latents");
        assertArrayEquals(Npy.read(d.resolve("out_indices.npy")).toLongs(), Npy.read(out.resolve("out_indices.npy")).toLongs());
        same("quantized", out.resolve("out_quantized.npy"), d.resolve("out_quantized.npy"), 1e-5);
        probe("detokenizer", "fsq-tiny", "indices");
        same("detokenized", out.resolve("out_detokenized.npy"), d.resolve("out_detokenized.npy"), 1e-5);
    }

    /** Lengths that are not whole 5-frame windows are padded with the silence latent, as renders pad them. */
    @Test
    void tokenizerPadsAnyLengthAsRendersDo() throws Exception {
        Path dit = org.aceforge.engine.DemoPackFixture.pack().dit(org.aceforge.engine.model.ModelPack.Variant.TURBO);
        int C = org.aceforge.engine.model.AceStepConfig.read(dit.resolve("config.json")).latentChannels();
        java.util.Random r = new java.util.Random(3);
        float[] v = new float[17 * C];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        Path lat = out.resolve("latents17.npy");
        Npy.write(lat, org.aceforge.engine.tensors.TensorData.ofFloats("latents", v, 1, 17, C));
        RenderCliTest.Run run = RenderCliTest.cli("probe", "tokenizer", "--model", dit.toString(), "--out", out.toString(), "--in", "latents=" + lat);
        assertEquals(0, run.code(), run.err());
        long[] got = Npy.read(out.resolve("out_indices.npy")).toLongs();
        long[] pipeline;
        try (var m = new org.aceforge.engine.pipeline.DitModel(dit, org.aceforge.engine.runtime.GraphCache.defaultCache())) {
            pipeline = m.tokenize(new org.aceforge.engine.tensors.Tensor3(v, 1, 17, C))[0];
        }
        assertEquals(4, pipeline.length, "ceil(17 / 5) codes");
        assertArrayEquals(pipeline, got);

        Path fsq = Fixtures.dir("fsq-tiny");
        int fc = org.aceforge.engine.model.AceStepConfig.read(fsq.resolve("config.json")).latentChannels();
        Path odd = out.resolve("odd.npy");
        Npy.write(odd, org.aceforge.engine.tensors.TensorData.ofFloats("latents", new float[7 * fc], 1, 7, fc));
        RenderCliTest.Run refused = RenderCliTest.cli("probe", "tokenizer", "--model", fsq.toString(), "--out", out.toString(), "--in", "latents=" + odd);
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("not a multiple of 5") && refused.err().contains("silence_latent.pt"), refused.err());
    }

    @Test
    void vae() throws Exception {
        Path d = probe("vae-decode", "vae-tiny", "latent");
        same("decoded", out.resolve("out_decoded.npy"), d.resolve("out_decoded.npy"), 1e-5);
        probe("vae-encode", "vae-tiny", "audio");
        same("moments", out.resolve("out_moments.npy"), d.resolve("out_moments.npy"), 1e-5);
        same("mean", out.resolve("out_latent_mean.npy"), d.resolve("out_latent_mean.npy"), 1e-5);
    }

    @Test
    void textEncoder() throws Exception {
        Path d = probe("text-encoder", "text-encoder-tiny", "input_ids");
        same("last hidden", out.resolve("out_last_hidden_state.npy"), d.resolve("out_last_hidden_state.npy"), 1e-4);
        same("embeddings", out.resolve("out_embeddings.npy"), d.resolve("out_embeddings.npy"), 1e-6);
    }

    @Test
    void badProbeInputsExitTwo() {
        Path d = Fixtures.dir("dit-tiny");
        assertEquals(2, RenderCliTest.cli("probe", "unet", "--model", d.toString(), "--in", "x=y.npy", "--out", out.toString()).code());
        assertEquals(2, RenderCliTest.cli("probe", "dit", "--model", d.toString(), "--in",
                "hidden_states=" + d.resolve("in_hidden_states.npy"), "--out", out.toString()).code(), "missing inputs");
        assertEquals(2, RenderCliTest.cli("probe", "dit", "--model", d.toString(), "--in",
                "hidden_states=" + d.resolve("nope.npy"), "--out", out.toString()).code(), "unreadable file");
        assertEquals(2, RenderCliTest.cli("probe", "vae-decode", "--model", d.toString(), "--in",
                "latents=" + d.resolve("in_hidden_states.npy"), "--out", out.toString()).code(), "wrong folder");
    }
}
