package org.aceforge.engine.tasks;

import org.aceforge.engine.text.Prompts;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;

import java.util.Arrays;
import java.util.List;

/**
 * A new stem that fits the source (base model; spec §3): the source is the context, not silenced; the chunk mask
 * marks the region the stem is generated for, or the whole source without one.
 *
 * @param region where the stem plays (null: the whole source)
 */
public record Lego(Track track, Region region) implements Task {
    public Lego {
        java.util.Objects.requireNonNull(track, "track");
        if (region != null) RegionChecks.check(List.of(region));
    }

    @Override
    public TaskKind kind() {
        return TaskKind.LEGO;
    }

    @Override
    public String instruction() {
        return Prompts.lego(track.key());
    }

    @Override
    public List<Region> regions() {
        return region == null ? List.of() : List.of(region);
    }

    @Override
    public Conditioning condition(ConditionInput in) {
        int C = in.silence().channels();
        float[] mask;
        if (region == null) mask = Conditioning.ones(in);
        else {
            mask = new float[in.silence().frames() * C];
            Timeline.Span sp = in.timeline().latent(region);
            Arrays.fill(mask, sp.start() * C, sp.end() * C, 1f);
        }
        return Conditioning.shared(in.source().copy(), mask, in, instruction(), null, null);
    }
}
