package org.aceforge.engine.pipeline;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.FlowSampler;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.sampling.SdeNoise;
import org.aceforge.engine.sampling.StepListener;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model runs of acestep-tiny, computed by the official PyTorch code: conditioning, the turbo sampler for
 * text2music, cover and repaint, and the base sampler with CFG/APG, ADG + CFG interval, and without CFG.
 */
class AceStepTinyRenderTest {
    @TempDir
    static Path cacheDir;
    static DitModel model;
    static Path dir;

    @BeforeAll
    static void open() {
        dir = Fixtures.dir("acestep-tiny");
        model = new DitModel(dir, new GraphCache(cacheDir));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Tensor3 npy(String caseName, String file) throws Exception {
        return Tensor3.of(Npy.read(dir.resolve(caseName).resolve(file + ".npy")));
    }

    static void near(String what, Tensor3 got, Tensor3 expected, double tol) {
        double err = Ref.relErr(got.data(), expected.data());
        assertTrue(err < tol, what + ": relative error " + err);
    }

    static Condition condition(String c, String textFile) throws Exception {
        Tensor3 enc = model.encodeCondition(npy(c, textFile), npy(c, "in_lyric_hidden_states"), npy(c, "in_refer_latents"));
        return new Condition(enc, Tensor3.concatChannels(npy(c, "in_src_latents"), npy(c, "in_chunk_masks")));
    }

    @Test
    void text2musicTurbo() throws Exception {
        Condition cond = condition("text2music", "in_text_hidden_states");
        near("encoder states", cond.encoderStates(), npy("text2music", "out_encoder_hidden_states"), 1e-4);
        near("context", cond.contextLatents(), npy("text2music", "out_context_latents"), 1e-6);
        Tensor3 out = FlowSampler.sample(model.velocityModel(), SamplerSettings.turbo(3), cond, null, null,
                npy("text2music", "in_noise"), null, null, SdeNoise.forSeeds(0), StepListener.NONE);
        near("target latents", out, npy("text2music", "out_target_latents"), 1e-3);
    }

    @Test
    void coverTurboWithStrengthSwitch() throws Exception {
        String c = "cover";
        Tensor3 src = npy(c, "in_src_latents");
        Tensor3 hints = model.fsqRoundTrip(src);
        Tensor3 ctx = Tensor3.concatChannels(hints, npy(c, "in_chunk_masks"));
        near("cover context", ctx, npy(c, "out_context_latents"), 1e-4);
        Tensor3 enc = model.encodeCondition(npy(c, "in_text_hidden_states"), npy(c, "in_lyric_hidden_states"), npy(c, "in_refer_latents"));
        near("encoder states", enc, npy(c, "out_encoder_hidden_states"), 1e-4);
        Tensor3 encNon = model.encodeCondition(npy(c, "in_non_cover_text_hidden_states"), npy(c, "in_lyric_hidden_states"), npy(c, "in_refer_latents"));
        Condition nonCover = new Condition(encNon, Tensor3.concatChannels(model.silence(src.frames()), npy(c, "in_chunk_masks")));
        Tensor3 out = FlowSampler.sample(model.velocityModel(), SamplerSettings.turbo(2).withCover(0.5, 0),
                new Condition(enc, ctx), nonCover, null, npy(c, "in_noise"), src, null, SdeNoise.forSeeds(0), StepListener.NONE);
        near("target latents", out, npy(c, "out_target_latents"), 1e-3);
    }

    @Test
    void repaintTurboWithInjectionAndBlend() throws Exception {
        String c = "repaint";
        Condition cond = condition(c, "in_text_hidden_states");
        near("context", cond.contextLatents(), npy(c, "out_context_latents"), 1e-6);
        TensorData maskData = Npy.read(dir.resolve(c).resolve("in_repaint_mask.npy"));
        long[] m = maskData.toLongs();
        boolean[][] regen = new boolean[1][m.length];
        for (int i = 0; i < m.length; i++) regen[0][i] = m[i] != 0;
        RepaintGuide guide = new RepaintGuide(regen, npy(c, "in_clean_src_latents"), 0.5, 3);
        Tensor3 out = FlowSampler.sample(model.velocityModel(), SamplerSettings.turbo(3), cond, null, null,
                npy(c, "in_noise"), null, guide, SdeNoise.forSeeds(0), StepListener.NONE);
        near("target latents", out, npy(c, "out_target_latents"), 1e-3);
    }

    @Test
    void tokenizerCase() throws Exception {
        Tensor3 lat = npy("tokenizer", "in_latents");
        long[][] codes = model.tokenize(lat);
        assertArrayEquals(Npy.read(dir.resolve("tokenizer/out_indices.npy")).toLongs(), codes[0]);
        near("hints", model.detokenize(codes), npy("tokenizer", "out_hints_25hz"), 1e-4);
    }

    private Tensor3 base(SamplerSettings s) throws Exception {
        Condition cond = condition("text2music", "in_text_hidden_states");
        return FlowSampler.sample(model.velocityModel(), s, cond, null, model.nullEmbedding(),
                npy("text2music", "in_noise"), null, null, SdeNoise.forSeeds(0), StepListener.NONE);
    }

    @Test
    void baseCfgApg() throws Exception {
        near("base cfg apg", base(SamplerSettings.base(6, 3, 7.0)), npy("base_cfg_apg", "out_target_latents"), 1e-3);
    }

    @Test
    void baseAdgInterval() throws Exception {
        near("base adg", base(SamplerSettings.base(5, 2, 4.0).withCfg(4.0, true, 0.2, 0.8)), npy("base_adg_interval", "out_target_latents"), 1e-3);
    }

    @Test
    void baseNoCfg() throws Exception {
        near("base no cfg", base(SamplerSettings.base(4, 1, 1.0)), npy("base_no_cfg", "out_target_latents"), 1e-3);
    }
}
