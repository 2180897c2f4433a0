package org.aceforge.engine.jobs;

import java.nio.file.Path;
import java.util.List;

/**
 * The files a finished render wrote: one audio file and one JSON sidecar per batch item, and the time of each stage
 * (the sidecar's {@code timing}, plus writing the files).
 */
public record RenderResult(List<Item> items, boolean demoModels, double seconds, List<StageTime> timing) {
    public RenderResult(List<Item> items, boolean demoModels, double seconds) {
        this(items, demoModels, seconds, List.of());
    }

    /** One variant of a batch. */
    public record Item(Path audio, Path sidecar, long seed, double durationSeconds) {}
}
