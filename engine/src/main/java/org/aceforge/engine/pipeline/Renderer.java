package org.aceforge.engine.pipeline;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.MusicAnalysis;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.FlowSampler;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.sampling.SdeNoise;
import org.aceforge.engine.sampling.StepListener;
import org.aceforge.engine.tasks.ConditionInput;
import org.aceforge.engine.tasks.Conditioning;
import org.aceforge.engine.tasks.Task;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorDump;
import org.aceforge.engine.text.Prompts;
import org.aceforge.engine.timeline.Timeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one render path of every task (spec §2–§3): the source (if any) on its timeline and VAE-encoded (cached by
 * content) → the task's conditioning → caption, lyrics and reference encoded → the flow sampler → tiled VAE decode →
 * the task's finish (splice, or limit and normalise) → region-only crop. What differs between tasks is asked of the
 * {@link Task}; this class never names one.
 */
public final class Renderer {
    public static final int RATE = 48000;

    private Renderer() {}

    /**
     * Everything a render runs with, resolved (defaults applied, seeds drawn).
     *
     * @param source        the source in engine format (edits; null for text2music)
     * @param caption       the user's (or the LM's) caption text
     * @param bpm           given metadata (null: not given; an edit estimates it from the source)
     * @param seconds       text2music's length as asked (5 per code with codes; an edit takes its length from the source)
     * @param promptSeconds the duration the caption prompt names (text2music; an edit names its own length)
     * @param frames        latent frames of text2music
     * @param codes         5 Hz codes per variant that text2music follows (null: none)
     * @param initialNoise  the initial noise [B, T, C] to use instead of the seeded one (null: from the seeds)
     */
    public record Plan(Task task, AudioClip source, String sourceName, Path reference, String caption, Integer bpm,
                       String timeSignature, String key, String lyricPrompt, double seconds, double promptSeconds, int frames,
                       long[] seeds, SamplerSettings sampler, long[][] codes, boolean regionOnly, double handles,
                       Tensor3 initialNoise) {
        /**
         * The plan following 5 Hz codes (one row per variant): the length becomes 5 latent frames per code and the
         * codes are followed for the first {@code strength} fraction of the steps. The caption prompt keeps its duration.
         */
        public Plan withCodes(long[][] c, double strength) {
            return new Plan(task, source, sourceName, reference, caption, bpm, timeSignature, key, lyricPrompt,
                    c[0].length / 5.0, promptSeconds, c[0].length * 5, seeds, sampler.withCover(strength, 0), c, regionOnly, handles,
                    initialNoise);
        }
    }

    /**
     * What a render produced.
     *
     * @param audio         interleaved stereo per variant
     * @param latents       the sampler's final latents [B, T, C] (auto-LRC)
     * @param condition     the DiT's condition (auto-LRC)
     * @param estimated     metadata estimated from the source where the user gave none (null for text2music)
     * @param captionPrompt the caption prompt the DiT was given
     */
    public record Result(List<float[]> audio, Tensor3 latents, Condition condition, MusicAnalysis.Estimate estimated,
                         String captionPrompt, Timeline timeline, List<org.aceforge.engine.tasks.Finish> finishes) {}

    /**
     * Renders the variants at most {@code maxBatch} at a time (memory tiers, out-of-memory recovery) and joins them.
     * Each variant's noise and SDE noise come from its own seed and every network treats variants independently, so a
     * variant is the same audio whichever group it is rendered in. On INT8 weights the variants go one at a time:
     * ONNX Runtime's MatMulNBits rounds a row differently with the number of rows beside it (measured on the demo
     * pack: variants 1 and 2 of a batch of three came out 37 dB SNR from the same variants alone, the last one equal),
     * so only one at a time keeps a variant reproducible alone from its sidecar. On CPU this costs next to nothing (a
     * variant's 250+ rows already fill the cores).
     */
    public static Result render(ModelSet m, Plan plan, int maxBatch, java.util.function.IntSupplier vaeTile, RenderStages stages,
                                TensorDump dump, LatentCache cache) throws Exception {
        int B = plan.seeds().length;
        if (m.dit().int8()) maxBatch = 1;
        if (maxBatch >= B) return render(m, plan, vaeTile, stages, dump, cache);
        Result all = null;
        for (int from = 0; from < B; from += maxBatch) {
            int to = Math.min(B, from + maxBatch);
            long[] seeds = Arrays.copyOfRange(plan.seeds(), from, to);
            long[][] codes = plan.codes() == null ? null : Arrays.copyOfRange(plan.codes(), from, to);
            Plan part = new Plan(plan.task(), plan.source(), plan.sourceName(), plan.reference(), plan.caption(), plan.bpm(),
                    plan.timeSignature(), plan.key(), plan.lyricPrompt(), plan.seconds(), plan.promptSeconds(), plan.frames(), seeds,
                    plan.sampler(), codes, plan.regionOnly(), plan.handles(),
                    plan.initialNoise() == null ? null : slice(plan.initialNoise(), from, to));
            Result r = render(m, part, vaeTile, stages, from == 0 ? dump : null, cache);
            all = all == null ? r : join(all, r);
        }
        return all;
    }

    private static Tensor3 slice(Tensor3 t, int from, int to) {
        int per = t.itemSize();
        return new Tensor3(Arrays.copyOfRange(t.data(), from * per, to * per), to - from, t.frames(), t.channels());
    }

    private static Result join(Result a, Result b) {
        List<float[]> audio = new ArrayList<>(a.audio());
        audio.addAll(b.audio());
        List<org.aceforge.engine.tasks.Finish> finishes = new ArrayList<>(a.finishes());
        finishes.addAll(b.finishes());
        Condition c = new Condition(Tensor3.concatBatch(a.condition().encoderStates(), b.condition().encoderStates()),
                Tensor3.concatBatch(a.condition().contextLatents(), b.condition().contextLatents()));
        return new Result(audio, Tensor3.concatBatch(a.latents(), b.latents()), c, a.estimated(), a.captionPrompt(), a.timeline(), finishes);
    }

    /** @param vaeTile latent frames per VAE decode tile, asked when each variant's decode starts */
    public static Result render(ModelSet m, Plan plan, java.util.function.IntSupplier vaeTile, RenderStages stages, TensorDump dump,
                                LatentCache cache) throws Exception {
        DitModel dit = m.dit();
        Task task = plan.task();
        int hop = m.vae().hop(), C = dit.config().latentChannels(), B = plan.seeds().length;

        // 1. The source on the render's timeline, encoded; what the user left open estimated from it.
        Timeline timeline;
        float[] padded = null;
        Tensor3 sourceLatents = null;
        MusicAnalysis.Estimate est = null;
        double encoded = 0;
        if (plan.source() != null) {
            timeline = Timeline.around(plan.source().frames(), task.regions(), RATE, hop, plan.sourceName());
            padded = new float[2 * timeline.paddedSamples()];
            float[] src = plan.source().interleaved();
            System.arraycopy(src, 0, padded, 2 * timeline.leftPadSamples(), src.length);
            sourceLatents = cache.encode(m.vae(), m.pack().vae().toAbsolutePath().toString(), padded, (f, msg) -> stages.encoding(0.5 * f));
            est = estimate(plan, cache);
            encoded = 0.5;
        } else {
            timeline = Timeline.ofLatentFrames(plan.frames(), RATE, hop);
        }
        int T = timeline.latentFrames();
        Tensor3 silence = dit.silence(T);

        // 2. The task's context, and the text it is told.
        Conditioning c = plan.task().condition(new ConditionInput(sourceLatents, silence, timeline, B, plan.codes(), dit, false));
        String metas = Prompts.metas(plan.bpm() != null ? plan.bpm() : est == null ? null : est.bpm(),
                plan.timeSignature() != null ? plan.timeSignature() : est == null ? null : est.timeSignature(),
                plan.key() != null ? plan.key() : est == null ? null : est.key(),
                plan.source() != null ? timeline.seconds() : plan.promptSeconds());
        String captionPrompt = Prompts.caption(c.instruction(), plan.caption(), metas);
        Tensor3 text = m.text().encodeCaption(captionPrompt);
        stages.encoding(encoded + (1 - encoded) * 0.4);
        Tensor3 lyrics = m.text().embedLyrics(plan.lyricPrompt());
        stages.conditioning();
        Tensor3 refs = plan.reference() == null ? dit.silence(dit.config().timbreFixFrame())
                : ReferenceAudio.latents(m, plan.reference(), plan.seeds()[0], cache);
        Tensor3 enc = dit.encodeCondition(text, lyrics, refs);
        Condition cond = new Condition(enc.repeatBatch(B), c.context());
        // The context let go after the strength fraction of the steps (cover, text2music with codes).
        Condition released = null;
        if (c.released() != null && plan.sampler().coverStrength() < 1) {
            Tensor3 enc2 = c.released().equals(c.instruction()) ? enc
                    : dit.encodeCondition(m.text().encodeCaption(Prompts.caption(c.released(), plan.caption(), metas)), lyrics, refs);
            released = new Condition(enc2.repeatBatch(B), c.releasedContext(silence));
        }
        stages.encoding(1.0);

        // 3. Sampling.
        Tensor3 noise = plan.initialNoise() == null ? InitialNoise.of(plan.seeds(), T, C) : plan.initialNoise();
        if (noise.batch() != B || noise.frames() != T || noise.channels() != C)
            throw new org.aceforge.engine.request.BadRequestException(org.aceforge.engine.request.RequestField.INITIAL_NOISE,
                    "has shape [" + noise.batch() + ", " + noise.frames() + ", " + noise.channels() + "]; this render needs ["
                            + B + ", " + T + ", " + C + "] (as --dump writes noise.npy)");
        Tensor3 clean = sourceLatents == null ? null : sourceLatents.repeatBatch(B);
        RepaintGuide guide = sourceLatents == null ? null : task.guide(c, sourceLatents, B);
        if (dump != null) {
            if (sourceLatents != null) dump.write("source_latents", sourceLatents);
            dump.write("text_hidden_states", text);
            dump.write("lyric_hidden_states", lyrics);
            dump.write("encoder_hidden_states", enc);
            dump.write("context_latents", cond.contextLatents());
            dump.write("noise", noise);
        }
        StepListener steps = stages.diffusion();
        StepListener listener = dump == null ? steps : new StepListener() {
            @Override
            public void afterStep(int i, int n, Tensor3 x) throws Exception {
                dump.write(String.format("latents_step%02d", i), x);
                steps.afterStep(i, n, x);
            }

            @Override
            public void sdeNoise(int i, Tensor3 eps) throws Exception {
                dump.write(String.format("sde_noise_step%02d", i), eps);
            }

            @Override
            public void blended(Tensor3 sampled, Tensor3 blended) throws Exception {
                dump.write("sampled_latents", sampled);
                dump.write("blended_latents", blended);
            }
        };
        Tensor3 latents = FlowSampler.sample(dit.velocityModel(), plan.sampler(), cond, released, dit.nullEmbedding(), noise,
                clean, guide, SdeNoise.forSeeds(plan.seeds()), listener);
        if (dump != null) dump.write("target_latents", latents);

        // 4. Decode, finish per task, crop.
        List<Timeline.Span> regions = task.regions().stream().map(timeline::samples).toList();
        float[] original = padded == null ? null : Arrays.copyOf(padded, 2 * timeline.samples());
        List<float[]> out = new ArrayList<>();
        List<org.aceforge.engine.tasks.Finish> finishes = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            Tensor3 decoded = decode(m.vae(), latents.item(b), b, B, stages, vaeTile.getAsInt());
            if (dump != null) dump.write("audio_" + (b + 1), decoded);
            org.aceforge.engine.tasks.Finish finish = task.finish(original, Arrays.copyOf(decoded.data(), 2 * timeline.samples()), regions);
            finishes.add(finish);
            float[] audio = finish.audio();
            if (plan.regionOnly() && !regions.isEmpty()) {
                Timeline.Span keep = timeline.hull(task.regions(), plan.handles());
                audio = Arrays.copyOfRange(audio, 2 * keep.start(), 2 * keep.end());
            }
            out.add(audio);
        }
        return new Result(out, latents, cond, est, captionPrompt, timeline, finishes);
    }

    /** The smallest VAE tile the out-of-memory ladder goes down to (latent frames: 1.28 s). */
    static final int MIN_TILE = 32;

    /**
     * One variant's VAE decode; out of memory, it is decoded again in tiles half as long (down to 1.28 s), then — on a
     * GPU that cannot hold even those — on the CPU in tiles of the size it started with; the user is told each step. Each tile
     * keeps its overlap of context, so smaller tiles differ from larger ones only by rounding at the seams, and the CPU
     * decode gives what a CPU machine gives.
     */
    static Tensor3 decode(VaeModel vae, Tensor3 latents, int b, int B, RenderStages stages, int tile0) throws Exception {
        int chunk = tile0;
        boolean onCpu = false;
        while (true) {
            try {
                return vae.decode(latents, chunk, VaeModel.DECODE_OVERLAP, stages.decoding(b, B), onCpu);
            } catch (Exception | OutOfMemoryError e) {
                if (!org.aceforge.engine.runtime.OutOfMemory.is(e)) throw e;
                int tile = Math.min(chunk, latents.frames());
                if (tile > MIN_TILE) {
                    chunk = Math.max(MIN_TILE, tile / 2);
                    stages.note(String.format("out of memory decoding variant %d: decoding it again in tiles of %.1f s", b + 1,
                            chunk * vae.hop() / (double) RATE));
                } else if (!onCpu && vae.canDecodeOnCpu()) {
                    onCpu = true;
                    chunk = tile0;
                    stages.note(String.format("out of memory decoding variant %d on the GPU even in small tiles: decoding it on the CPU (slower)", b + 1));
                } else {
                    throw e;
                }
            }
        }
    }

    /**
     * What the user left empty, estimated on the whole source once (cached with its latents by content), so every
     * edit of the same song is told the same tempo, key and metre.
     */
    static MusicAnalysis.Estimate estimate(Plan plan, LatentCache cache) {
        if (plan.bpm() != null && plan.key() != null && plan.timeSignature() != null) return new MusicAnalysis.Estimate(null, null, null);
        MusicAnalysis.Estimate e = cache.analysis(plan.source().interleaved());
        return new MusicAnalysis.Estimate(plan.bpm() == null ? e.bpm() : null, plan.key() == null ? e.key() : null,
                plan.timeSignature() == null ? e.timeSignature() : null);
    }
}
