package org.aceforge.engine.jobs;

/** A render stopped because its cancel token was set; nothing of it was written. */
public final class CancelledException extends RuntimeException {
    public CancelledException() {
        super("render cancelled");
    }
}
