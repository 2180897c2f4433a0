package org.aceforge.engine.nets;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.reference.RefEncoders;
import org.aceforge.engine.reference.RefVae;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every network graph against the fixtures from independent implementations and against our double reference. */
class EncoderGraphsTest {

    private static void close(String what, double err, double tol) {
        assertTrue(err < tol, what + ": relative error " + err + " (tolerance " + tol + ")");
    }

    @Test
    void conditionEncoderReproducesCondTiny() throws Exception {
        Path d = Fixtures.dir("cond-tiny");
        AceStepConfig c = AceStepConfig.read(d.resolve("config.json"));
        SafeTensors w = SafeTensors.open(d.resolve("model.safetensors"));
        TensorData text = Npy.read(d.resolve("in_text_hidden_states.npy"));
        TensorData lyr = Npy.read(d.resolve("in_lyric_embeds.npy"));
        TensorData refs = Npy.read(d.resolve("in_refer_latents.npy"));
        float[] expected = Npy.read(d.resolve("out_encoder_hidden_states.npy")).toFloats();

        double[][] r = Ref.rows(refs);
        int frames = (int) refs.shape()[1];
        List<double[][]> refList = new ArrayList<>();
        for (int i = 0; i < refs.shape()[0]; i++) refList.add(java.util.Arrays.copyOfRange(r, i * frames, (i + 1) * frames));
        double[][] ref = RefEncoders.conditionEncoder(c, w, Ref.rows(text), Ref.rows(lyr), refList);
        close("reference", Ref.relErr(expected, Ref.flat(ref)), 1e-5);

        var out = GraphRunner.run(ConditionEncoderGraph.build(c, w),
                Map.of("text_hidden_states", text, "lyric_hidden_states", lyr, "refer_latents", refs));
        close("graph", Ref.relErr(out.get("encoder_hidden_states").toFloats(), expected), 1e-5);
    }

    @Test
    void tokenizerReproducesFsqTinyCodesExactly() throws Exception {
        Path d = Fixtures.dir("fsq-tiny");
        AceStepConfig c = AceStepConfig.read(d.resolve("config.json"));
        SafeTensors w = SafeTensors.open(d.resolve("model.safetensors"));
        TensorData lat = Npy.read(d.resolve("in_latents.npy"));
        long[] codes = Npy.read(d.resolve("out_indices.npy")).toLongs();
        float[] quant = Npy.read(d.resolve("out_quantized.npy")).toFloats();

        List<double[]> q = new ArrayList<>();
        assertArrayEquals(codes, RefEncoders.tokenizeIndices(c, w, Ref.rows(lat), q));
        close("reference quantized", Ref.relErr(quant, Ref.flat(q.toArray(new double[0][]))), 1e-5);

        var out = GraphRunner.run(AudioTokenizerGraph.build(c, w), Map.of("latents", lat));
        assertArrayEquals(codes, out.get("indices").toLongs());
        close("graph quantized", Ref.relErr(out.get("quantized").toFloats(), quant), 1e-5);
        close("graph project_in", Ref.relErr(out.get("project_in").toFloats(), Npy.read(d.resolve("out_project_in.npy")).toFloats()), 1e-5);
    }

    @Test
    void detokenizerReproducesFsqTiny() throws Exception {
        Path d = Fixtures.dir("fsq-tiny");
        AceStepConfig c = AceStepConfig.read(d.resolve("config.json"));
        SafeTensors w = SafeTensors.open(d.resolve("model.safetensors"));
        TensorData idx = Npy.read(d.resolve("in_indices.npy"));
        float[] expected = Npy.read(d.resolve("out_detokenized.npy")).toFloats();
        close("reference", Ref.relErr(expected, Ref.flat(RefEncoders.detokenize(c, w, idx.toLongs()))), 1e-5);
        var out = GraphRunner.run(AudioDetokenizerGraph.build(c, w), Map.of("indices", idx));
        close("graph", Ref.relErr(out.get("detokenized").toFloats(), expected), 1e-5);
    }

    @Test
    void vaeReproducesVaeTiny() throws Exception {
        Path d = Fixtures.dir("vae-tiny");
        VaeConfig c = VaeConfig.read(d.resolve("config.json"));
        SafeTensors w = SafeTensors.open(d.resolve("diffusion_pytorch_model.safetensors"));
        TensorData lat = Npy.read(d.resolve("in_latent.npy"));
        float[] decoded = Npy.read(d.resolve("out_decoded.npy")).toFloats();
        close("reference decode", Ref.relErr(decoded, Ref.flat(RefVae.decode(c, w, Ref.rows(lat)))), 1e-5);
        var dec = GraphRunner.run(VaeGraphs.decoder(c, w), Map.of("latents", lat));
        close("graph decode", Ref.relErr(dec.get("decoded").toFloats(), decoded), 1e-5);

        TensorData audio = Npy.read(d.resolve("in_audio.npy"));
        float[] moments = Npy.read(d.resolve("out_moments.npy")).toFloats();
        close("reference encode", Ref.relErr(moments, Ref.flat(RefVae.encode(c, w, Ref.rows(audio)))), 1e-5);
        var enc = GraphRunner.run(VaeGraphs.encoder(c, w), Map.of("audio", audio));
        close("graph encode", Ref.relErr(enc.get("moments").toFloats(), moments), 1e-5);
        close("graph mean", Ref.relErr(enc.get("latent_mean").toFloats(), Npy.read(d.resolve("out_latent_mean.npy")).toFloats()), 1e-5);
    }

    @Test
    void textEncoderReproducesQwen3Tiny() throws Exception {
        Path d = Fixtures.dir("text-encoder-tiny");
        Qwen3Config c = Qwen3Config.read(d.resolve("config.json"));
        SafeTensors w = SafeTensors.open(d.resolve("model.safetensors"));
        TensorData ids = Npy.read(d.resolve("in_input_ids.npy"));
        float[] expected = Npy.read(d.resolve("out_last_hidden_state.npy")).toFloats();
        close("reference", Ref.relErr(expected, Ref.flat(RefEncoders.qwen3(c, w, ids.toLongs()))), 1e-5);
        var out = GraphRunner.run(TextEncoderGraph.build(c, w), Map.of("input_ids", ids));
        close("graph", Ref.relErr(out.get("last_hidden_state").toFloats(), expected), 1e-4);
    }
}
