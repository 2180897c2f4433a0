package org.aceforge.engine.jobs;

import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.model.ModelFolderException;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.Renderer;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.sampling.Method;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.text.Prompts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Resolves a request against the loaded models into the plan the renderer runs: every default applied
 * ({@link Defaults}), the seeds drawn, the length fixed, the task's sampler changes made, the source decoded once.
 */
final class PlanStage {
    private static final Logger LOG = LoggerFactory.getLogger(PlanStage.class);

    private PlanStage() {}

    /** {@code planned}: what the LM decided (its codes are followed), or null. */
    static Renderer.Plan resolve(RenderRequest r, ModelSet m, LmStage.Outcome planned) throws java.io.IOException {
        if (r.kind().needsBase() && m.dit().isTurbo())
            throw new BadRequestException(RequestField.TASK, r.kind() + " needs a base checkpoint; " + m.dit().folder().getFileName() + " is a turbo model");
        Music music = r.music();
        long[] seeds = seeds(r.sampling().seeds(), r.batch());
        double duration = music.codes() != null && planned == null ? music.codes().length / 5.0   // the codes fix the length
                : music.duration() == -1 ? autoDuration(seeds[0]) : music.duration();
        int frames = r.hasSource() ? 0 : Math.max(org.aceforge.engine.timeline.Timeline.latentFramesOf(duration, Renderer.RATE, m.vae().hop()), 1);
        SamplerSettings s = r.task().sampler(sampler(r.sampling(), m));
        String lyrics = Prompts.lyrics(music.language() == null ? Defaults.LANGUAGE : music.language(), music.lyrics(), music.instrumental());
        // The source is decoded here, once: the renderer gets audio, not a file.
        AudioClip source = r.hasSource() ? AudioDecoder.decode(r.source()).toEngineFormat() : null;
        Renderer.Plan plan = new Renderer.Plan(r.task(), source, r.hasSource() ? r.source().toString() : null, music.reference(),
                music.caption() == null ? "" : music.caption(), music.bpm(), music.timeSignature(), music.promptKey(), lyrics,
                duration, duration, frames, seeds, s, null, r.output().regionOnly(), r.output().handles(),
                initialNoise(r.sampling().initialNoise()));
        if (planned != null && planned.codes() != null) plan = plan.withCodes(planned.codes(), music.codeStrength());
        else if (music.codes() != null) {
            long[][] rows = new long[r.batch()][];
            Arrays.fill(rows, music.codes());
            plan = plan.withCodes(rows, music.codeStrength());
        }
        return plan;
    }

    /** The --noise file as a tensor [B, T, C] (its shape is checked against the render's once the length is known). */
    static org.aceforge.engine.tensors.Tensor3 initialNoise(java.nio.file.Path file) {
        if (file == null) return null;
        try {
            return org.aceforge.engine.tensors.Tensor3.of(org.aceforge.engine.tensors.Npy.read(file));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new BadRequestException(RequestField.INITIAL_NOISE, file + " is not a float tensor [B, T, C] in .npy format ("
                    + e.getMessage() + ")");
        }
    }

    /** The sampler of the loaded DiT: turbo's fixed table (or custom timesteps), or base/SFT steps and guidance. */
    static SamplerSettings sampler(Sampling r, ModelSet m) {
        boolean turbo = m.dit().isTurbo();
        if (!turbo && m.dit().nullEmbedding() == null)
            throw new ModelFolderException(m.dit().folder() + ": base/SFT checkpoint without null_condition_emb");
        SamplerSettings s;
        double shift = r.shift() == null ? Defaults.SHIFT : r.shift();
        if (turbo) {
            if (r.steps() != null && r.steps() != 8 && r.timesteps() == null)
                LOG.warn("turbo uses its fixed 8-step table; --steps {} is ignored (use --timesteps for another schedule)", r.steps());
            s = SamplerSettings.turbo(shift);
            if (r.timesteps() != null) s = s.withTimesteps(r.timesteps());
        } else {
            double guidance = r.guidance() == null ? Defaults.GUIDANCE : r.guidance();
            s = SamplerSettings.base(r.steps() == null ? Defaults.BASE_STEPS : r.steps(), shift, guidance)
                    .withCfg(guidance, r.adg(), r.cfgStart(), r.cfgEnd());
        }
        s = s.withSde(r.method() == Method.SDE);
        if (turbo) s.schedule(); // validates custom timesteps early
        return s;
    }

    /** The reference's duration when none is given: uniform 10–120 s (here drawn from the first seed), 0.1 s steps. */
    static double autoDuration(long seed) {
        return Math.round((10 + new Random(seed).nextDouble() * 110) * 10) / 10.0;
    }

    /** One seed per item: given ones in order, −1 drawn at random, missing ones continue from the previous + 1. */
    static long[] seeds(List<Long> given, int batch) {
        long[] out = new long[batch];
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < batch; i++) {
            long s;
            if (i < given.size()) s = given.get(i);
            else if (i > 0 && out[i - 1] >= 0 && !given.isEmpty() && given.get(given.size() - 1) != -1) s = (out[i - 1] + 1) & 0xFFFFFFFFL;
            else s = -1;
            out[i] = s == -1 ? rnd.nextLong() & 0xFFFFFFFFL : s;
        }
        return out;
    }
}
