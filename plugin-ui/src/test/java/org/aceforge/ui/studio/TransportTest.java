package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.awt.Robot;
import java.awt.event.KeyEvent;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport, with the mouse and keyboard through java.awt.Robot: a click on the ruler sets where Space starts
 * playing, L loops the selected region, the playhead pages the view along, and the meter shows the level played.
 * Each test has its own window; what the player is given is recorded.
 */
class TransportTest extends StudioUiTest {
    @Override
    void prepare() throws Exception {
        // Free placement (the source's estimated tempo would snap clicks to its beats; GridSnapTest covers snapping).
        edt(() -> { ((javax.swing.JCheckBox) StudioWindowTest.find(w.getContentPane(), "snap")).doClick(); return null; });
    }

    Point at(double seconds, int y) throws Exception {
        return edt(() -> {
            Point s = w.timeline.getLocationOnScreen();
            return new Point(s.x + w.timeline.toX(seconds), s.y + (y < 0 ? w.timeline.getHeight() / 2 : y));
        });
    }

    double pixel() throws Exception {
        return edt(() -> w.timeline.viewSeconds() / w.timeline.getWidth());
    }

    @Test
    void spacePlaysFromWhereTheRulerWasClicked() throws Exception {
        click(at(4.0, TimelinePanel.RULER / 2));
        waitFor(() -> w.timeline.playFrom() >= 0, 10, "the ruler click");
        assertEquals(4.0, edt(() -> w.timeline.playFrom()), 2 * pixel());
        assertTrue(edt(() -> w.timeline.regions().isEmpty()), "a ruler click draws no region");
        press(KeyEvent.VK_SPACE);
        waitFor(() -> out.played.size() == 1, 10, "Space to play");
        OwnStudio.Recorder.Played p = out.last();
        assertEquals(4.0 * RATE, p.from(), 2 * pixel() * RATE);
        assertEquals(12 * RATE, p.to(), "to the end");
        assertFalse(p.loop());
    }

    @Test
    void lLoopsTheSelectedRegion() throws Exception {
        drag(at(3.0, -1), at(6.0, -1));
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        press(KeyEvent.VK_L);
        waitFor(() -> w.loop.isSelected(), 10, "L to turn looping on");
        press(KeyEvent.VK_SPACE);
        waitFor(() -> out.played.size() == 1, 10, "Space to play");
        OwnStudio.Recorder.Played p = out.last();
        var r = edt(() -> w.timeline.regions().get(0));
        assertTrue(p.loop(), "the region loops");
        assertEquals(Math.round(r.start() * RATE), p.from(), 1);
        assertEquals(Math.round(r.end() * RATE), p.to(), 1);
    }

    @Test
    void thePlayheadPagesTheViewAlongAndTheMeterMoves() throws Exception {
        edt(() -> { w.timeline.zoom(0.25, 0); return null; });     // 3 s in view, from 0 s
        assertEquals(0.0, edt(() -> w.timeline.viewStart()), 1e-9);
        out.report = new double[]{9.0};                             // the sound card reaches 9 s
        click(at(1.0, -1));                                          // focus the timeline
        press(KeyEvent.VK_SPACE);
        waitFor(() -> w.timeline.viewStart() > 6, 10, "the view to follow the playhead to 9 s");
        double start = edt(() -> w.timeline.viewStart());
        assertTrue(start <= 9.0 && 9.0 < start + edt(() -> w.timeline.viewSeconds()), "9 s is in view");
        waitFor(() -> w.meter.levels()[0] > LevelMeter.FLOOR_DB, 10, "the meter to show the level");
        double expected = LevelMeter.peakDb(edt(() -> w.controller.sourceAudio().interleaved()), RATE, 9.0)[0];
        assertTrue(expected > -40, "the tone is audible at 9 s");
        assertEquals(expected, edt(() -> w.meter.levels()[0]), 1e-9, "the meter shows the 50 ms before the playhead");
    }

    @Test
    void peakLevelsInDbfs() {
        float[] half = new float[2 * RATE];
        java.util.Arrays.fill(half, 0.5f);
        double[] db = LevelMeter.peakDb(half, RATE, 0.5);
        assertEquals(-6.02, db[0], 0.01);
        assertEquals(LevelMeter.FLOOR_DB, LevelMeter.peakDb(new float[2 * RATE], RATE, 0.5)[1], 0);
    }

    @Test
    void sShowsTheSpectrogramOfTheSourceAndTheTakes() throws Exception {
        click(at(1.0, -1));                                          // focus the timeline
        press(KeyEvent.VK_S);
        waitFor(() -> w.spectrogram.isSelected() && w.timeline.spectrogram(), 10, "S to show the spectrogram");
        edt(() -> {
            float[] take = new float[2 * 12 * RATE];
            for (int i = 0; i < 12 * RATE; i++) take[2 * i] = take[2 * i + 1] = (float) (0.4 * Math.sin(2 * Math.PI * 1000 * i / RATE));
            w.takes.add(new Take("seed 1", take, RATE, 3, 6, null));
            w.validate();
            return null;
        });
        java.awt.image.BufferedImage img = edt(() -> {
            var t = w.timeline;
            var b = new java.awt.image.BufferedImage(t.getWidth(), t.getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB);
            t.paint(b.getGraphics());
            var lanes = new java.awt.image.BufferedImage(w.takes.getWidth(), Math.max(1, w.takes.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
            w.takes.paint(lanes.getGraphics());
            return b;
        });
        int x = edt(() -> w.timeline.toX(6.0)), h = img.getHeight() - TimelinePanel.RULER;
        double tone = Spectrogram.level(img.getRGB(x, TimelinePanel.RULER + Spectrogram.rowOf(220, RATE, h)));
        double high = Spectrogram.level(img.getRGB(x, TimelinePanel.RULER + Spectrogram.rowOf(8000, RATE, h)));
        assertTrue(tone > high + 0.3, "the source's 220 Hz tone is bright (" + tone + "), 8 kHz dark (" + high + ")");
    }
}
