package org.aceforge.engine.jobs;

import java.util.concurrent.CompletableFuture;

/** A submitted render: its result (completes exceptionally on failure or cancel), cancel token and last progress. */
public final class RenderJob {
    private final RenderRequest request;
    private final CancelToken cancel = new CancelToken();
    private final CompletableFuture<RenderResult> result = new CompletableFuture<>();
    private volatile Progress progress = new Progress(Progress.Stage.QUEUED, 0, "queued");

    private final org.aceforge.engine.pipeline.DitOptions ditOptions;
    private final MemoryPolicy.Applied memory;
    private final java.util.List<String> notes;

    RenderJob(RenderRequest request, org.aceforge.engine.pipeline.DitOptions ditOptions, MemoryPolicy.Applied memory, java.util.List<String> notes) {
        this.ditOptions = ditOptions;
        this.request = request;
        this.memory = memory;
        this.notes = new java.util.concurrent.CopyOnWriteArrayList<>(notes);
    }

    /**
     * A job rendered somewhere else (an AceForge server): whoever follows it there reports its progress with
     * {@link #report}, watches {@link #cancelRequested} and completes {@link #result}.
     */
    public static RenderJob elsewhere(RenderRequest request) {
        return new RenderJob(request, null, null, java.util.List.of());
    }

    /** Any thread: whether {@link #cancel} was asked for. */
    public boolean cancelRequested() { return cancel.isCancelled(); }

    /** The follower of a job rendered elsewhere: its latest progress. Any thread. */
    public void report(Progress p) { progress = p; }

    /** What the memory tier changed in this render, in words, after the tier itself (empty when it changed nothing). Any thread. */
    public java.util.List<String> notes() { return notes; }

    MemoryPolicy.Applied memory() { return memory; }

    /** A line about how the render adapted while it ran (out of memory: smaller tiles or groups). */
    void note(String line) {
        if (notes.isEmpty()) notes.add(memory.summary());
        notes.add(line);
    }

    public RenderRequest request() { return request; }

    /** How the DiT runs for this job (int8, the LoRA adapter as read at submission). */
    org.aceforge.engine.pipeline.DitOptions ditOptions() { return ditOptions; }

    /** Any thread. */
    public CompletableFuture<RenderResult> result() { return result; }

    /** Any thread: asks the worker to stop at the next sampler step or stage boundary. */
    public void cancel() { cancel.cancel(); }

    /** Any thread. */
    public Progress progress() { return progress; }

    CancelToken token() { return cancel; }

    void progress(Progress p) { progress = p; }
}
