package org.aceforge.ui.plugin;

import org.aceforge.engine.jobs.RenderService;

import java.nio.file.Path;
import java.util.List;

/**
 * What the plugin editor may ask of the plugin it belongs to, independent of the plugin format. Methods may be called
 * from the EDT; none blocks on a render.
 */
public interface PluginContext {

    /** Host transport as last seen by the audio thread. */
    record Transport(double sampleRate, double tempo, int timeSigNumerator, int timeSigDenominator, boolean playing,
                     long projectSamples, long blocks) {}

    /** Captured input audio: interleaved stereo at {@code sampleRate}, starting at timeline sample {@code timelineStart}. */
    record Capture(float[] interleaved, long timelineStart, double sampleRate) {
        public int frames() { return interleaved.length / 2; }
        public double seconds() { return frames() / sampleRate; }
    }

    /** A rendered variant the user kept. */
    record Variant(Path file, String sha256, int slot, long timelineStart, boolean placed) {}

    /** The host track's audio as captured while the transport played (the longest contiguous stretch). */
    Capture capture();

    Transport transport();

    /** Places audio on the timeline (plays in sync with the host); returns the clip slot used. */
    int place(Path file, long timelineStart) throws Exception;

    void unplace(int slot);

    List<Variant> variants();

    /** Normalized parameter (0 = dry/wet, 1 = output gain) and a UI edit of it (reported to the host). */
    double parameter(int id);

    void editParameter(int id, double normalized);

    RenderService renders();

    /** Folder where this plugin writes its renders. */
    Path renderFolder();

    /** Problems the user should see (missing files on project reopen, engine errors). */
    List<String> messages();

    /** Settings persisted in the host project (caption, lyrics, region …). */
    PluginSettings settings();
}
