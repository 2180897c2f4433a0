package org.aceforge.engine.tasks;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.text.Prompts;

import java.util.List;

/** The source with the named stems added (base model; spec §3): the raw source as context, generated everywhere. */
public record Complete(List<Track> tracks) implements Task {
    public Complete {
        if (tracks.isEmpty()) throw new BadRequestException(RequestField.TASK, "complete needs {TRACKS} (which tracks to add)");
        tracks = List.copyOf(tracks);
    }

    @Override
    public TaskKind kind() {
        return TaskKind.COMPLETE;
    }

    @Override
    public String instruction() {
        return Prompts.complete(tracks.stream().map(Track::key).toList());
    }

    @Override
    public Conditioning condition(ConditionInput in) {
        return Conditioning.shared(in.source().copy(), Conditioning.ones(in), in, instruction(), null, null);
    }
}
