package org.aceforge.engine.tasks;

import org.aceforge.engine.text.Prompts;

/** One stem of the source, alone (base model; spec §3): the raw source latents as context, generated everywhere. */
public record Extract(Track track) implements Task {
    public Extract {
        java.util.Objects.requireNonNull(track, "track");
    }

    @Override
    public TaskKind kind() {
        return TaskKind.EXTRACT;
    }

    @Override
    public String instruction() {
        return Prompts.extract(track.key());
    }

    @Override
    public Conditioning condition(ConditionInput in) {
        return Conditioning.shared(in.source().copy(), Conditioning.ones(in), in, instruction(), null, null);
    }
}
