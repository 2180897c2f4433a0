package org.aceforge.engine.jobs;

/** Receives progress on the worker thread; UIs must hand it to their own thread (e.g. the EDT). */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(Progress p);

    ProgressListener NONE = p -> {};
}
