package org.aceforge.engine.pipeline;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.audio.MusicAnalysis;
import org.aceforge.engine.audio.Seconds;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.FlowSampler;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.sampling.SdeNoise;
import org.aceforge.engine.sampling.StepListener;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorDump;
import org.aceforge.engine.text.Prompts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks that start from source audio — repaint (one or several ranges, outpainting), cover, extract, lego and
 * complete — following spec §2–§3: the source is decoded, converted to 48 kHz stereo, VAE-encoded (cached by content
 * hash), conditioned per task, sampled, decoded, and for repaint spliced back into the untouched source.
 */
public final class RegionEdit {
    public static final int RATE = 48000;

    private RegionEdit() {}

    /** Repaint-mode values (spec §3): injection ratio, latent crossfade frames, waveform crossfade seconds, splice. */
    public record RepaintMode(String name, double injectionRatio, int latentCrossfade, double wavCrossfade, boolean splice) {
        public static RepaintMode of(String name, double strength) {
            return switch (name) {
                case "conservative" -> new RepaintMode(name, 1.0, 25, 0.05, true);
                case "aggressive" -> new RepaintMode(name, 0, 0, 0, false);
                default -> new RepaintMode("balanced", 1 - strength, (int) Math.round(25 * (1 - strength)), 0.05 * (1 - strength), true);
            };
        }
    }

    /** Everything the edit runs with, resolved. Ranges are in seconds on the source's own timeline. */
    public record Plan(Task task, AudioClip source, String sourceName, Path reference, List<double[]> ranges, String track,
                       List<String> tracks, String caption, String lyricPrompt, long[] seeds, SamplerSettings sampler,
                       RepaintMode repaint, double coverStrength, double coverNoise, boolean regionOnly,
                       double handles, Integer bpm, String timeSignature, String key) {}

    /**
     * The source after padding: what the networks see and what the splice restores, and the regions with an end of −1
     * resolved to the source's end (seconds on the source's own timeline), once.
     */
    public record Source(float[] audio, int frames, double leftPad, double seconds, int latentFrames, double sourceSeconds,
                         List<double[]> ranges) {}

    /** Pads the decoded source (engine format) for outpainting (zeros) and to a whole number of latent frames. */
    public static Source prepare(AudioClip clip, String name, List<double[]> ranges, int hop) {
        double dur = clip.seconds();
        List<double[]> resolved = new ArrayList<>();
        for (double[] r : ranges) resolved.add(new double[]{r[0], r[1] == -1 ? dur : r[1]});
        double left = 0, right = 0;
        for (double[] r : resolved) {
            left = Math.max(left, -r[0]);
            right = Math.max(right, r[1] - dur);
        }
        int leftFrames = Seconds.toFrames(left, RATE), rightFrames = Seconds.toFrames(right, RATE);
        int n = clip.frames() + leftFrames + rightFrames;
        if (n / (double) RATE > 600.0 + 1e-9)
            throw new IllegalArgumentException(String.format("the edit would be %.1f s long; at most 600 s can be rendered", n / (double) RATE));
        if (n / (double) RATE < 1.0) throw new IllegalArgumentException(name + ": the source is shorter than 1 s");
        int padded = (n + hop - 1) / hop * hop;
        float[] audio = new float[2 * padded];
        System.arraycopy(clip.interleaved(), 0, audio, 2 * leftFrames, clip.interleaved().length);
        return new Source(audio, n, left, n / (double) RATE, padded / hop, dur, List.copyOf(resolved));
    }

    /** The source's regions in samples on the padded timeline. */
    public static List<Splice.Range> sampleRanges(Source s) {
        List<Splice.Range> out = new ArrayList<>();
        for (double[] r : s.ranges())
            out.add(new Splice.Range(Seconds.toFrames(r[0] + s.leftPad(), RATE), Seconds.toFrames(r[1] + s.leftPad(), RATE)));
        return out;
    }

    /** The variants and the metadata that was estimated from the source (null fields = given by the user). */
    public record Result(List<float[]> audio, MusicAnalysis.Estimate estimated, String captionPrompt, int latentFrames) {}

    /** Estimates what the user left empty, from the regions with 10 s of context (or the whole source). */
    static MusicAnalysis.Estimate estimate(Plan plan, Source src, List<Splice.Range> samples) {
        if (plan.bpm() != null && plan.key() != null && plan.timeSignature() != null) return new MusicAnalysis.Estimate(null, null, null);
        int a = 0, b = src.frames();
        if (!samples.isEmpty()) {
            a = Math.max(0, samples.stream().mapToInt(Splice.Range::start).min().getAsInt() - 10 * RATE);
            b = Math.min(src.frames(), samples.stream().mapToInt(Splice.Range::end).max().getAsInt() + 10 * RATE);
        }
        MusicAnalysis.Estimate e = MusicAnalysis.estimate(java.util.Arrays.copyOfRange(src.audio(), 2 * a, 2 * b), RATE);
        return new MusicAnalysis.Estimate(plan.bpm() == null ? e.bpm() : null, plan.key() == null ? e.key() : null,
                plan.timeSignature() == null ? e.timeSignature() : null);
    }

    public static Result run(ModelSet m, Plan plan, RenderStages stages, TensorDump dump,
                             LatentCache cache) throws Exception {
        DitModel dit = m.dit();
        int hop = m.vae().hop(), C = dit.config().latentChannels(), B = plan.seeds().length;
        Source src = prepare(plan.source(), plan.sourceName(), plan.ranges(), hop);
        int T = src.latentFrames();
        String vaeId = m.pack().vae().toAbsolutePath().toString();
        Tensor3 latents = cache.encode(m.vae(), vaeId, src.audio(), (f, msg) -> stages.encoding(0.5 * f));
        Tensor3 silence = dit.silence(T);

        List<Splice.Range> samples = sampleRanges(src);
        List<TaskContext.Span> spans = new ArrayList<>();
        for (Splice.Range r : samples)
            spans.add(TaskContext.span(r.start() / (double) RATE, r.end() / (double) RATE, T, RATE, hop));
        TaskContext.Context ctx = TaskContext.build(plan.task(), latents, silence, spans, plan.track(), plan.tracks(), false);

        MusicAnalysis.Estimate est = estimate(plan, src, samples);
        String metas = Prompts.metas(plan.bpm() != null ? plan.bpm() : est.bpm(),
                plan.timeSignature() != null ? plan.timeSignature() : est.timeSignature(),
                plan.key() != null ? plan.key() : est.key(), src.seconds());
        String captionPrompt = Prompts.caption(ctx.instruction(), plan.caption(), metas);
        Tensor3 text = m.text().encodeCaption(captionPrompt);
        Tensor3 lyrics = m.text().embedLyrics(plan.lyricPrompt());
        Tensor3 refs = reference(m, plan, cache);
        Tensor3 enc = dit.encodeCondition(text, lyrics, refs);
        stages.encoding(0.8);

        Tensor3 srcChannels = ctx.cover() ? dit.fsqRoundTrip(ctx.src()) : ctx.src();
        Condition cond = new Condition(enc.repeatBatch(B), Tensor3.concatChannels(srcChannels, ctx.mask()).repeatBatch(B));
        Condition nonCover = null;
        if (ctx.cover() && plan.coverStrength() < 1) {
            Tensor3 t2 = m.text().encodeCaption(Prompts.caption(Prompts.TEXT2MUSIC, plan.caption(), metas));
            Tensor3 enc2 = dit.encodeCondition(t2, lyrics, refs);
            nonCover = new Condition(enc2.repeatBatch(B), Tensor3.concatChannels(silence, ctx.mask()).repeatBatch(B));
        }
        stages.encoding(1.0);
        Tensor3 noise = InitialNoise.of(plan.seeds(), T, C);
        RepaintGuide guide = null;
        if (ctx.regenerate() != null) {
            boolean[][] regen = new boolean[B][];
            for (int b = 0; b < B; b++) regen[b] = ctx.regenerate();
            guide = new RepaintGuide(regen, latents.repeatBatch(B), plan.repaint().injectionRatio(), plan.repaint().latentCrossfade());
        }
        if (dump != null) {
            dump.write("source_latents", latents);
            dump.write("encoder_hidden_states", enc);
            dump.write("context_latents", cond.contextLatents().item(0));
            dump.write("noise", noise);
        }
        StepListener steps = stages.diffusion();
        Tensor3 out = FlowSampler.sample(dit.velocityModel(), plan.sampler(), cond, nonCover, dit.nullEmbedding(), noise,
                latents.repeatBatch(B), guide, SdeNoise.forSeeds(plan.seeds()),
                dump == null ? steps : (i, n, x) -> { dump.write(String.format("latents_step%02d", i), x); steps.afterStep(i, n, x); });

        List<float[]> results = new ArrayList<>();
        float[] original = java.util.Arrays.copyOf(src.audio(), 2 * src.frames());
        for (int b = 0; b < B; b++) {
            float[] gen = m.vae().decode(out.item(b), VaeModel.DECODE_CHUNK, VaeModel.DECODE_OVERLAP, stages.decoding(b, B)).data();
            gen = java.util.Arrays.copyOf(gen, 2 * src.frames());
            float[] audio;
            if (plan.task() == Task.REPAINT && plan.repaint().splice()) {
                audio = Splice.splice(original, gen, samples, Seconds.toFrames(plan.repaint().wavCrossfade(), RATE), RATE);
            } else {
                audio = gen;
                Loudness.limitToFullScale(audio);
                if (plan.task() != Task.REPAINT) Loudness.normalizePeak(audio, Loudness.OUTPUT_PEAK_DB);
            }
            if (plan.regionOnly() && !samples.isEmpty()) {
                int s = samples.stream().mapToInt(Splice.Range::start).min().orElse(0);
                int e = samples.stream().mapToInt(Splice.Range::end).max().orElse(src.frames());
                audio = Splice.regionOnly(audio, s, e, Seconds.toFrames(plan.handles(), RATE));
            }
            results.add(audio);
        }
        return new Result(results, est, captionPrompt, T);
    }

    /** The reference's timbre input: the 30 s assembly of --ref encoded, or the silence latent. */
    static Tensor3 reference(ModelSet m, Plan plan, LatentCache cache) throws Exception {
        if (plan.reference() == null) return m.dit().silence(m.dit().config().timbreFixFrame());
        return ReferenceAudio.latents(m, plan.reference(), plan.seeds()[0], cache);
    }

}
