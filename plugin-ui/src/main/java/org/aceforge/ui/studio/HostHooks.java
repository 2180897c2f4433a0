package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the studio can do when it runs as a plugin editor (nothing of plugin formats: the plugin core implements
 * this). Called on the EDT; none of the methods blocks on a render.
 */
public interface HostHooks {
    /** The audio the plugin captured from its track, written to a file the studio can load; null when none. */
    Path captureToFile() throws Exception;

    /** Seconds on the host timeline where the captured audio starts. */
    double captureStartSeconds();

    /** Places a rendered file on the host timeline at {@code seconds}; returns a message for the user. */
    String place(Path file, double seconds) throws Exception;

    /** Host tempo (BPM) and beats per bar, or null when the host gives none. */
    double[] tempo();

    /** Form values and regions saved in the host project, and where to save changes. */
    Map<String, String> savedFields();

    List<Region> savedRegions();

    void save(Map<String, String> fields, List<Region> regions);
}
