package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.swing.SwingUtilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The studio as a plugin editor: captured audio as the source, results placed on the host timeline, state saved. */
class PluginModeTest {
    @TempDir
    Path tmp;

    @Test
    void captureRegionPlaceAndSave() throws Exception {
        Display.assumeAvailable();
        Path capture = StudioWindowTest.sourceFile();
        List<Object[]> placed = new ArrayList<>();
        Map<String, String>[] saved = new Map[1];
        HostHooks hooks = new HostHooks() {
            public Path captureToFile() { return capture; }
            public double captureStartSeconds() { return 100.0; }
            public String place(Path file, double seconds) { placed.add(new Object[]{file, seconds}); return "placed"; }
            public double[] tempo() { return new double[]{128, 4}; }
            public Map<String, String> savedFields() { return Map.of("caption", "from the project"); }
            public List<Region> savedRegions() { return List.of(); }
            public void save(Map<String, String> f, List<Region> r) { saved[0] = f; }
        };
        try (RenderService service = new RenderService(1, new GraphCache(tmp.resolve("g")))) {
            StudioWindow[] w = new StudioWindow[1];
            SwingUtilities.invokeAndWait(() -> {
                w[0] = new StudioWindow(new StudioSettings(), service, tmp, hooks);
                w[0].setVisible(true);
            });
            assertEquals("from the project", StudioWindowTest.edt(() -> w[0].form.caption.getText()));
            assertEquals("128", StudioWindowTest.edt(() -> w[0].form.bpm.getText()), "host tempo fills the BPM");
            StudioWindowTest.edt(() -> { w[0].useCapture(); return null; });
            StudioWindowTest.waitFor(() -> w[0].controller.sourceAudio() != null, 30, "the capture to load");
            StudioWindowTest.edt(() -> { w[0].setRegions(List.of(new Region(2, 5))); w[0].form.duration.setValue(10.0); return null; });
            RenderResult r = StudioWindowTest.edt(() -> w[0].startRender()).result().get(300, TimeUnit.SECONDS);
            StudioWindowTest.waitFor(() -> w[0].results.batchCount() == 1, 30, "results");
            StudioWindowTest.edt(() -> { StudioWindowTest.findButton(w[0].results, "place").doClick(); return null; });
            assertEquals(1, placed.size());
            assertEquals(r.items().get(0).audio(), placed.get(0)[0]);
            assertEquals(102.0, (Double) placed.get(0)[1], 1e-9, "capture start + region start on the host timeline");
            StudioWindowTest.edt(() -> { w[0].dispose(); return null; });
            assertTrue(saved[0] != null && "from the project".equals(saved[0].get("caption")), "the editor's fields go back to the project");
            assertTrue(Files.isRegularFile(r.items().get(0).audio()));
        }
    }
}
