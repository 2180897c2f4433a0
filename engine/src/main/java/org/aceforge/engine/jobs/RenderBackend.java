package org.aceforge.engine.jobs;

/**
 * Whatever renders a typed request: this machine's {@link RenderService}, or a client of an AceForge server on
 * another machine. Front ends submit to a renderer and follow the {@link RenderJob} it returns the same way either
 * way: progress, cancel, and a result whose files are on this machine.
 */
public interface RenderBackend {
    /**
     * Any thread. Checks the request (a refusal throws here, naming the field, before anything is queued) and starts
     * rendering it; progress reaches {@code listener} on the renderer's own thread.
     */
    RenderJob submit(RenderRequest request, ProgressListener listener);
}
