package org.aceforge.ui.studio;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.timeline.Region;
import org.aceforge.server.ApiServer;
import org.aceforge.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings → Render on: a server. The studio's render click (and so the plugin's, whose editor is the studio) goes
 * to a real server on loopback and comes back as the same batch a local render gives: the same audio for the seed,
 * named the studio's way in the render folder; cancel is a cancel; a server that refuses is an error in words.
 */
class RemoteRenderTest {
    @TempDir
    static Path tmp;
    static ApiServer server;
    static RenderService local;
    static Locale before;

    @BeforeAll
    static void open() throws Exception {
        before = Locale.getDefault();
        Locale.setDefault(Locale.ENGLISH);
        I18n.use("en");
        server = new ApiServer(new ServerSettings("127.0.0.1", 0, "studio-key", 1, DemoPackFixture.pack().root(), tmp.resolve("server"),
                20, 50, 8, false)).start();
        local = new RenderService(1, new GraphCache(tmp.resolve("graphs")));
    }

    @AfterAll
    static void close() {
        if (server != null) server.close();
        if (local != null) local.close();
        Locale.setDefault(before);
    }

    static StudioSettings onServer(String key) {
        StudioSettings s = new StudioSettings();
        s.renderOn = "127.0.0.1:" + server.port();
        s.serverKey = key;
        return s;
    }

    RenderJob repaint(StudioController c, long seed) {
        return c.startRender(Mode.REPAINT, RenderRequest.builder().task("repaint").caption("warm piano").source(c.source())
                .region(new Region(2, 5)).seed(seed), Map.of("caption", "warm piano"), false, null, "wav");
    }

    @Test
    void aRepaintClickRendersOnTheServerAsItWouldHere() throws Exception {
        StudioControllerTest.Recorder remoteView = new StudioControllerTest.Recorder(), localView = new StudioControllerTest.Recorder();
        StudioController remote = new StudioController(onServer("studio-key"), local, Files.createDirectories(tmp.resolve("remote")), Runnable::run, remoteView);
        StudioController here = new StudioController(new StudioSettings(), local, Files.createDirectories(tmp.resolve("local")), Runnable::run, localView);
        Path source = StudioWindowTest.sourceFile(tmp);
        remote.loadSource(source);
        here.loadSource(source);
        assertEquals("loaded", remoteView.next("loaded").kind());
        assertEquals("loaded", localView.next("loaded").kind());
        assertTrue(remote.backend() instanceof org.aceforge.client.RemoteRenderer, "renders go to the server");
        assertNotNull(repaint(remote, 7));
        StudioControllerTest.Event done = remoteView.next("finished");
        assertNull(done.b(), "no failure: " + done.b());
        ResultsPanel.Batch batch = (ResultsPanel.Batch) done.a();
        assertNotNull(repaint(here, 7));
        ResultsPanel.Batch mine = (ResultsPanel.Batch) localView.next("finished").a();
        Path a = batch.result().items().get(0).audio(), b = mine.result().items().get(0).audio();
        assertEquals(tmp.resolve("remote"), a.getParent(), "written into the studio's render folder");
        assertEquals(b.getFileName(), a.getFileName(), "named as a local render is");
        assertArrayEquals(AudioDecoder.decode(b).interleaved(), AudioDecoder.decode(a).interleaved(), 0f);
        assertTrue(Files.readString(batch.result().items().get(0).sidecar()).contains("\"rendered_on\""));
    }

    @Test
    void cancelAndAWrongKey() throws Exception {
        StudioControllerTest.Recorder view = new StudioControllerTest.Recorder();
        StudioController c = new StudioController(onServer("studio-key"), local, Files.createDirectories(tmp.resolve("cancel")), Runnable::run, view);
        RenderJob job = c.startRender(Mode.CUSTOM, RenderRequest.builder().caption("long ambient drone").duration(240).seed(3),
                Map.of(), false, null, "wav");
        assertNotNull(job);
        long t0 = System.nanoTime();
        while (job.progress().overall() <= 0 && System.nanoTime() - t0 < 60e9) Thread.sleep(20);
        c.cancelRender();
        StudioControllerTest.Event done = view.next("finished");
        assertTrue(StudioController.cancelled((Throwable) done.b()), "a cancel, not an error: " + done.b());

        StudioControllerTest.Recorder refused = new StudioControllerTest.Recorder();
        StudioController wrong = new StudioController(onServer("guess"), local, Files.createDirectories(tmp.resolve("wrong")), Runnable::run, refused);
        assertNotNull(wrong.startRender(Mode.CUSTOM, RenderRequest.builder().caption("x").duration(10).seed(1), Map.of(), false, null, "wav"));
        StudioControllerTest.Event e = refused.next("finished");
        assertTrue(String.valueOf(e.b()).contains("unauthorized"), String.valueOf(e.b()));
        try (var files = Files.list(tmp.resolve("wrong"))) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void anAddressThatDoesNotParseMeansThisComputer() {
        StudioSettings s = new StudioSettings();
        assertNull(s.server());
        s.renderOn = "ftp://nowhere";
        assertNull(s.server());
        s.renderOn = "gpu-box";
        s.serverKey = "k";
        assertEquals("http://gpu-box:8001", s.server().toString());
        assertEquals("k", s.server().apiKey());
    }
}
