package org.aceforge.engine.jobs;

/** Cooperative cancellation: set from any thread, checked by the worker between sampler steps and stages. */
public final class CancelToken {
    private volatile boolean cancelled;

    /** Any thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Worker thread: throws {@link CancelledException} once cancelled. */
    public void check() {
        if (cancelled) throw new CancelledException();
    }
}
