package org.aceforge.engine.pipeline;

import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.FlowSampler;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.sampling.SdeNoise;
import org.aceforge.engine.sampling.StepListener;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorDump;
import org.aceforge.engine.text.Prompts;

import java.util.ArrayList;
import java.util.List;

/**
 * Text-to-music: caption and lyric conditioning, silence context with the "auto" chunk mask (2.0), seeded noise per
 * batch item, the flow-matching sampler, tiled VAE decode, full-scale guard and −1 dBFS peak normalisation.
 */
public final class Text2Music {
    /** The default chunk-mask value of the reference ("auto": the model decides). */

    private Text2Music() {}

    /** What the pipeline runs with, fully resolved (defaults applied, seeds drawn). */
    public record Plan(String captionPrompt, String lyricPrompt, double durationSeconds, int frames, long[] seeds,
                       SamplerSettings sampler, java.nio.file.Path reference, long[][] codes) {
        public Plan(String captionPrompt, String lyricPrompt, double durationSeconds, int frames, long[] seeds,
                    SamplerSettings sampler, java.nio.file.Path reference) {
            this(captionPrompt, lyricPrompt, durationSeconds, frames, seeds, sampler, reference, null);
        }

        /**
         * The plan with the LM's codes (one row per variant, 5 per second): the DiT follows them as its context
         * (cover-style hints), and the length is 5 latent frames per code.
         */
        public Plan withCodes(long[][] c, double strength) {
            return new Plan(captionPrompt, lyricPrompt, c[0].length / 5.0, c[0].length * 5, seeds,
                    sampler.withCover(strength, 0), reference, c);
        }
    }

    /** Latent frames for a duration: int(round(d, 1)·48000) // 1920. */
    public static int frames(double seconds, int sampleRate, int hop) {
        long samples = (long) (Math.round(seconds * 10) / 10.0 * sampleRate);
        return (int) (samples / hop);
    }

    /** Renders every batch item; returns interleaved stereo audio per item. */
    public static List<float[]> run(ModelSet m, Plan plan, RenderStages stages, TensorDump dump, LatentCache sourceLatents) throws Exception {
        return render(m, plan, stages, dump, sourceLatents).audio();
    }

    /** The audio, and what the DiT ended with (final latents and the condition), for auto-LRC. */
    public record Rendered(List<float[]> audio, Tensor3 latents, Condition condition) {}

    public static Rendered render(ModelSet m, Plan plan, RenderStages stages, TensorDump dump, LatentCache sourceLatents) throws Exception {
        DitModel dit = m.dit();
        int B = plan.seeds().length, T = plan.frames(), C = dit.config().latentChannels();

        Tensor3 text = m.text().encodeCaption(plan.captionPrompt());
        stages.encoding(0.4);
        Tensor3 lyrics = m.text().embedLyrics(plan.lyricPrompt());
        Tensor3 refs = plan.reference() == null ? dit.silence(dit.config().timbreFixFrame())
                : ReferenceAudio.latents(m, plan.reference(), plan.seeds()[0], sourceLatents);
        Tensor3 enc = dit.encodeCondition(text, lyrics, refs);
        stages.encoding(1.0);

        // Without codes the context is silence; with the LM's codes it is their FSQ decode through the detokenizer
        // (25 Hz hints, spec §2.3 step 4 and §2.4), one per variant.
        TaskContext.Context plain = TaskContext.build(Task.TEXT2MUSIC, null, dit.silence(T), List.of(), null, List.of(), false);
        Tensor3 mask = plain.mask().repeatBatch(B);
        Tensor3 src = plan.codes() == null ? plain.src().repeatBatch(B) : dit.detokenize(plan.codes()).frames(0, T);
        Tensor3 context = Tensor3.concatChannels(src, mask);
        Condition cond = new Condition(enc.repeatBatch(B), context);
        // LM code strength < 1: after that fraction of the steps the context becomes silence (plain text2music).
        Condition free = plan.codes() == null || plan.sampler().coverStrength() >= 1 ? null
                : new Condition(enc.repeatBatch(B), Tensor3.concatChannels(plain.src().repeatBatch(B), mask));
        Tensor3 noise = InitialNoise.of(plan.seeds(), T, C);
        if (dump != null) {
            dump.write("text_hidden_states", text);
            dump.write("lyric_hidden_states", lyrics);
            dump.write("encoder_hidden_states", enc);
            dump.write("context_latents", context);
            dump.write("noise", noise);
        }
        StepListener steps = stages.diffusion();
        StepListener listener = dump == null ? steps : (i, n, x) -> {
            dump.write(String.format("latents_step%02d", i), x);
            steps.afterStep(i, n, x);
        };
        Tensor3 latents = FlowSampler.sample(dit.velocityModel(), plan.sampler(), cond, free, dit.nullEmbedding(),
                noise, null, null, SdeNoise.forSeeds(plan.seeds()), listener);
        if (dump != null) dump.write("target_latents", latents);

        List<float[]> out = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            Tensor3 audio = m.vae().decode(latents.item(b), VaeModel.DECODE_CHUNK, VaeModel.DECODE_OVERLAP, stages.decoding(b, B));
            float[] x = audio.data();
            if (dump != null) dump.write("audio_" + (b + 1), audio);
            Loudness.limitToFullScale(x);
            Loudness.normalizePeak(x, Loudness.OUTPUT_PEAK_DB);
            out.add(x);
        }
        return new Rendered(out, latents, cond);
    }

    /** Prompt texts for a text2music request. */
    public static String captionPrompt(String caption, Integer bpm, String timeSig, String key, double duration) {
        return Prompts.caption(Prompts.TEXT2MUSIC, caption, Prompts.metas(bpm, timeSig, key, duration));
    }
}
