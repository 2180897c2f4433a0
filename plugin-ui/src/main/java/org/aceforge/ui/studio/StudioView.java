package org.aceforge.ui.studio;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.jobs.Progress;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the {@link StudioController} tells the screen. Every call comes on the UI thread (the controller's executor).
 */
interface StudioView {
    /** A one-line problem in the studio's words; {@code fieldKey} names the form field at fault (null: none). */
    void error(String text, String fieldKey);

    void clearError();

    /** What is happening now (loading, converting, …); blank clears it. */
    void stage(String text);

    void progress(Progress p);

    void sourceLoaded(Path file, AudioClip clip, PeakCache peaks);

    /** The loaded source's estimated tempo and metre (either may be null): the grid's fallback when no BPM is typed. */
    default void tempoEstimated(Integer bpm, String timeSignature) { }

    /** Renders still running or queued. */
    void queue(long running);

    /** A render ended: its batch on success, the failure or cancel otherwise. */
    void finished(ResultsPanel.Batch batch, Throwable failure);

    /** Form values the LM filled in (field key → value). */
    void fill(Map<String, String> values);
}
