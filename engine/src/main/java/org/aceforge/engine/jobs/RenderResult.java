package org.aceforge.engine.jobs;

import java.nio.file.Path;
import java.util.List;

/** The files a finished render wrote: one audio file and one JSON sidecar per batch item. */
public record RenderResult(List<Item> items, boolean demoModels, double seconds) {

    /** One variant of a batch. */
    public record Item(Path audio, Path sidecar, long seed, double durationSeconds) {}
}
