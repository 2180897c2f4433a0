package org.aceforge.engine.tasks;

import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.sampling.SamplerSettings;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;

import java.util.List;

/**
 * What a render does, with the parameters only that task has. Each task is one class and the only place that knows
 * what the task means to the DiT: its instruction, its context (source channels and chunk mask, spec §2.3 step 5 and
 * §3), how it changes the sampler, and what happens to the decoded audio. The pipeline asks; it never switches on
 * the task.
 */
public sealed interface Task permits Text2Music, Repaint, Cover, Extract, Lego, Complete {
    TaskKind kind();

    /** The instruction line of the caption prompt. */
    String instruction();

    /** The DiT's context for this task. */
    Conditioning condition(ConditionInput in) throws Exception;

    /** Regions of the source this task works on (seconds); empty for the tasks that take the whole source. */
    default List<Region> regions() {
        return List.of();
    }

    /** The sampler settings with what this task changes (cover: how long the source is followed). */
    default SamplerSettings sampler(SamplerSettings s) {
        return s;
    }

    /** Injection of the source into the sampled latents (repaint); null when the task has none. */
    default RepaintGuide guide(Conditioning c, Tensor3 sourceLatents, int batch) {
        return null;
    }

    /**
     * One variant's final audio from its decode (interleaved stereo, the render's length) and what was done to its
     * level: by default held below full scale and normalised to the output peak (spec: −1 dBFS). {@code source} is
     * the padded source (edits) or null, {@code regions} the task's regions in sample frames.
     */
    default Finish finish(float[] source, float[] generated, List<Timeline.Span> regions) {
        boolean limited = Loudness.limitToFullScale(generated);
        Loudness.normalizePeak(generated, Loudness.OUTPUT_PEAK_DB);
        return new Finish(generated, Loudness.OUTPUT_PEAK_DB, limited, List.of());
    }
}
