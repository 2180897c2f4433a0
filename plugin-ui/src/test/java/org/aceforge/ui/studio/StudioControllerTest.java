package org.aceforge.ui.studio;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.timeline.Region;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The studio's control without a screen (no Swing, no display): what a render click does — refused with the studio's
 * words when something is missing or wrong, otherwise a render on the demo pack whose batch comes back to the view —
 * and the source loading that precedes it.
 */
class StudioControllerTest {
    @TempDir
    static Path tmp;
    static RenderService service;
    static Locale before;

    /** The view's side: every call, in order. */
    record Event(String kind, Object a, Object b) {}

    static final class Recorder implements StudioView {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        public void error(String text, String fieldKey) { events.add(new Event("error", text, fieldKey)); }
        public void clearError() { }
        public void stage(String text) { }
        public void progress(Progress p) { }
        public void sourceLoaded(Path file, AudioClip clip, PeakCache peaks) { events.add(new Event("loaded", file, clip)); }
        public void queue(long running) { }
        public void finished(ResultsPanel.Batch batch, Throwable failure) { events.add(new Event("finished", batch, failure)); }
        public void fill(Map<String, String> values) { events.add(new Event("fill", values, null)); }

        Event next(String kind) throws InterruptedException {
            while (true) {
                Event e = events.poll(300, TimeUnit.SECONDS);
                assertNotNull(e, "no " + kind + " event");
                if (e.kind().equals(kind) || e.kind().equals("error")) return e;
            }
        }
    }

    @BeforeAll
    static void open() throws Exception {
        before = Locale.getDefault();
        Locale.setDefault(Locale.ENGLISH);
        I18n.use("en");
        ModelLocator.ensureDemoPack();
        service = new RenderService(1, new GraphCache(tmp.resolve("graphs")));
    }

    @AfterAll
    static void close() {
        service.close();
        Locale.setDefault(before);
    }

    StudioController controller(Recorder view) throws Exception {
        // The view hears back on the calling thread here; the studio passes SwingUtilities::invokeLater.
        return new StudioController(new StudioSettings(), service, Files.createDirectories(tmp.resolve("renders")), Runnable::run, view);
    }

    @Test
    void anEditWithoutASourceIsRefusedInTheStudiosWords() throws Exception {
        Recorder view = new Recorder();
        RenderJob job = controller(view).startRender(Mode.REPAINT, RenderRequest.builder().task("repaint").caption("x").range(1, 2),
                Map.of(), false, null, "wav");
        assertNull(job);
        Event e = view.next("error");
        assertEquals(I18n.t("error.needsSource"), e.a());
    }

    @Test
    void aBadValueNamesTheStudiosFieldAndSubmitsNothing() throws Exception {
        Recorder view = new Recorder();
        StudioController c = controller(view);
        c.loadSource(StudioWindowTest.sourceFile(tmp));
        assertEquals("loaded", view.next("loaded").kind());
        RenderJob job = c.startRender(Mode.REMIX, RenderRequest.builder().task("cover").caption("x").source(c.source()).strength(2.0),
                Map.of(), false, null, "wav");
        assertNull(job);
        Event e = view.next("error");
        assertEquals("Strength: 2.0 is out of range: use 0 to 1", e.a());
        assertEquals("strength", e.b());
        assertTrue(c.jobs().isEmpty());
    }

    @Test
    void aRepaintClickRendersAndTheBatchComesBack() throws Exception {
        Recorder view = new Recorder();
        StudioController c = controller(view);
        c.loadSource(StudioWindowTest.sourceFile(tmp));
        Event loaded = view.next("loaded");
        assertEquals("loaded", loaded.kind(), String.valueOf(loaded.a()));
        assertEquals(12.0, ((AudioClip) loaded.b()).seconds(), 1e-9);
        List<Region> regions = List.of(Region.between(5, 2));
        assertEquals(new Region(2, 5), regions.get(0), "a right-to-left drag is the same region");
        RenderJob job = c.startRender(Mode.REPAINT, RenderRequest.builder().task("repaint").caption("warm piano").source(c.source())
                .region(regions.get(0)).seed(7), Map.of("caption", "warm piano"), false, null, "wav");
        assertNotNull(job);
        assertEquals(1, c.jobs().size());
        Event done = view.next("finished");
        assertNull(done.b(), "no failure");
        ResultsPanel.Batch batch = (ResultsPanel.Batch) done.a();
        assertEquals(Mode.REPAINT, batch.mode());
        Path audio = batch.result().items().get(0).audio();
        assertTrue(Files.size(audio) > 1000);
        assertTrue(Files.readString(batch.result().items().get(0).sidecar()).contains("\"task\" : \"repaint\""));
        assertTrue(c.jobs().isEmpty());
        int[] range = c.sourceRange(regions);
        assertEquals(2 * 48000, range[0]);
        assertEquals(5 * 48000, range[1]);
    }
}
