package org.aceforge.server;

import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderResult;

/**
 * One task as query_result reports it. Written by the worker thread that renders it (progress, end) and read by
 * request threads: every field is volatile and each change replaces whole values.
 */
final class TaskState {
    enum Status {
        QUEUED(0), RUNNING(0), SUCCEEDED(1), FAILED(2);

        /** The API's integer: 0 queued or running, 1 succeeded, 2 failed. */
        final int code;

        Status(int code) { this.code = code; }

        boolean finished() { return this == SUCCEEDED || this == FAILED; }
    }

    final String id;
    final long createdMillis;
    final long order;
    final String prompt, lyrics;
    volatile Status status = Status.QUEUED;
    volatile double progress;
    volatile String stage = "queued";
    volatile RenderResult result;
    volatile String error;
    volatile RenderJob job;
    volatile long startedNanos, endedNanos;

    TaskState(String id, long order, String prompt, String lyrics) {
        this.id = id;
        this.order = order;
        this.createdMillis = System.currentTimeMillis();
        this.prompt = prompt == null ? "" : prompt;
        this.lyrics = lyrics == null ? "" : lyrics;
    }

    void progress(Progress p) {
        if (status == Status.QUEUED && p.stage() != Progress.Stage.QUEUED) {
            startedNanos = System.nanoTime();
            status = Status.RUNNING;
        }
        if (status == Status.RUNNING) {
            progress = p.overall();
            stage = p.message() == null ? p.stage().name().toLowerCase(java.util.Locale.ROOT) : p.message();
        }
    }

    void succeeded(RenderResult r) {
        result = r;
        progress = 1;
        stage = "done";
        end(Status.SUCCEEDED);
    }

    void failed(String message) {
        error = message;
        stage = "failed";
        end(Status.FAILED);
    }

    private void end(Status s) {
        if (startedNanos == 0) startedNanos = System.nanoTime();
        endedNanos = System.nanoTime();
        job = null;
        status = s;
    }

    double seconds() {
        return endedNanos == 0 ? 0 : (endedNanos - startedNanos) / 1e9;
    }
}
