package org.aceforge.engine.tasks;

import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.audio.Seconds;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.sampling.RepaintGuide;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.text.Prompts;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;

import java.util.Arrays;
import java.util.List;

/**
 * Regenerates one or more regions of the source and keeps the rest (spec §3): the regions' latent frames are
 * replaced by silence in the source channels and marked in the chunk mask; during sampling the frames outside are
 * pulled back to the source (injection), and the decoded regions are spliced into the untouched source audio.
 * Regions beyond either end of the source extend it (outpainting).
 *
 * @param strength how far the result may depart from the source near the regions (0 to 1; shapes the mode's profile)
 */
public record Repaint(List<Region> regions, RepaintMode mode, double strength) implements Task {
    public Repaint {
        if (regions.isEmpty()) throw new BadRequestException(RequestField.TASK, "repaint needs a region: {REGION} (a start and an end in seconds)");
        regions = RegionChecks.check(regions);
        RegionChecks.checkStrength(strength, RequestField.STRENGTH);
    }

    @Override
    public TaskKind kind() {
        return TaskKind.REPAINT;
    }

    @Override
    public String instruction() {
        return Prompts.REPAINT;
    }

    public RepaintMode.Profile profile() {
        return mode.profile(strength);
    }

    @Override
    public Conditioning condition(ConditionInput in) {
        Tensor3 silence = in.silence(), src = in.source().copy();
        int T = silence.frames(), C = silence.channels();
        boolean[] regen = new boolean[T];
        float[] mask = new float[T * C];
        for (Region r : regions) {
            Timeline.Span sp = in.timeline().latent(r);
            for (int f = sp.start(); f < sp.end(); f++) {
                regen[f] = true;
                System.arraycopy(silence.data(), f * C, src.data(), f * C, C);
                Arrays.fill(mask, f * C, (f + 1) * C, 1f);
            }
        }
        return Conditioning.shared(src, mask, in, instruction(), regen, null);
    }

    @Override
    public RepaintGuide guide(Conditioning c, Tensor3 sourceLatents, int batch) {
        boolean[][] regen = new boolean[batch][];
        Arrays.fill(regen, c.regenerate());
        return new RepaintGuide(regen, sourceLatents.repeatBatch(batch), profile().injectionRatio(), profile().latentCrossfade());
    }

    /**
     * Spliced into the source (loudness-matched, true-peak guarded, crossfaded; the source keeps its own level), or
     * with the aggressive mode the whole decode kept (only held below full scale: no normalisation either way).
     */
    @Override
    public Finish finish(float[] source, float[] generated, List<Timeline.Span> regions) {
        RepaintMode.Profile p = profile();
        if (p.splice()) {
            Splice.Result r = Splice.splice(source, generated, regions, Seconds.toFrames(p.wavCrossfade(), 48000), 48000);
            return new Finish(r.audio(), null, false, r.regions());
        }
        boolean limited = Loudness.limitToFullScale(generated);
        return new Finish(generated, null, limited, List.of());
    }
}
