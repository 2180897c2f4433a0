package org.aceforge.ui.studio;

import com.formdev.flatlaf.FlatDarkLaf;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleConsumer;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;

/**
 * A studio window of a test's own (its own render service, render folder and player recorder), 1280×800 at the
 * screen's corner, optionally with the 12 s test tone loaded as the source. Closing disposes both.
 */
final class OwnStudio implements AutoCloseable {
    final StudioWindow w;
    final RenderService service;
    final Recorder out = new Recorder();

    /** Keeps what the studio asked to play. */
    static final class Recorder implements AudioOut {
        record Played(float[] stereo, int rate, int from, int to, boolean loop) {}
        final List<Played> played = new CopyOnWriteArrayList<>();
        /** Playing times to report back for each play, as a sound card's thread would (none by default). */
        volatile double[] report = new double[0];

        @Override
        public void play(float[] stereo, int rate, int from, int to, boolean loop, DoubleConsumer position, Runnable done) {
            played.add(new Played(stereo.clone(), rate, from, to, loop));
            for (double t : report) position.accept(t);
        }

        @Override public void stop() { }

        @Override public boolean playing() { return false; }

        Played last() { return played.get(played.size() - 1); }
    }

    private OwnStudio(Path tmp, StudioSettings settings) throws Exception {
        Display.assumeAvailable();
        service = new RenderService(1, new GraphCache(tmp.resolve("graphs")));
        Path renders = Files.createDirectories(tmp.resolve("renders"));
        w = edt(() -> {
            FlatDarkLaf.setup();
            StudioWindow x = new StudioWindow(settings, service, renders, null, out);
            x.setSize(1280, 800);
            x.setLocation(0, 0);
            x.setVisible(true);
            return x;
        });
    }

    /** A window without a source. */
    static OwnStudio open(Path tmp) throws Exception {
        return new OwnStudio(tmp, new StudioSettings());
    }

    /** A window with given settings (e.g. a UI language). */
    static OwnStudio open(Path tmp, StudioSettings settings) throws Exception {
        return new OwnStudio(tmp, settings);
    }

    /** A window with the 12 s test tone loaded as the source. */
    static OwnStudio withSource(Path tmp) throws Exception {
        OwnStudio s = open(tmp);
        Path f = StudioWindowTest.sourceFile(tmp);
        edt(() -> { s.w.loadSource(f); return null; });
        waitFor(() -> s.w.comping != null, 30, "the source to load");
        return s;
    }

    @Override
    public void close() throws Exception {
        edt(() -> { w.dispose(); return null; });
        service.close();
    }
}
