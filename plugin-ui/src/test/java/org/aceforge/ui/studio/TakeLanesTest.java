package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Takes in context, driven with the mouse and keyboard through java.awt.Robot: a click on a take lane plays the
 * source with the take's region replaced (the samples the player is given are checked), ↓ moves to the next take,
 * A switches to the original over the same loop, Enter comps exactly the region, and undo gives the source back.
 * Each test has its own window and service.
 */
class TakeLanesTest extends StudioUiTest {
    static float[] constant(double seconds, float v) {
        float[] a = new float[2 * (int) Math.round(seconds * RATE)];
        Arrays.fill(a, v);
        return a;
    }

    /** Two takes of the region 3–6 s, as a finished render adds them. */
    List<Take> addTwoTakes() throws Exception {
        Take a = new Take("seed 1", constant(12, 0.25f), RATE, 3, 6, null);
        Take b = new Take("seed 2", constant(12, -0.25f), RATE, 3, 6, null);
        edt(() -> { w.takes.add(a); w.takes.add(b); w.validate(); return null; });
        robot.waitForIdle();
        return List.of(a, b);
    }

    void clickLane(int lane) throws Exception {
        Point p = edt(() -> {
            Point s = w.takes.getLocationOnScreen();
            return new Point(s.x + w.takes.getWidth() / 2, s.y + lane * TakeLanes.LANE + TakeLanes.LANE / 2);
        });
        click(p);
    }

    /** Outside 3–6 s the source; inside (past the 10 ms fades) the take's value. */
    static void assertRegionReplaced(float[] mix, float[] source, float take) {
        int fade = (int) Math.round(Comping.FADE_SECONDS * RATE);
        for (int f = 0; f < source.length / 2; f++) {
            if (f < 3 * RATE || f >= 6 * RATE) assertEquals(source[2 * f], mix[2 * f], 0f, "frame " + f + " is the source");
            else if (f >= 3 * RATE + fade && f < 6 * RATE - fade) assertEquals(take, mix[2 * f], 0f, "frame " + f + " is the take");
        }
    }

    @Test
    void aClickAuditionsTheTakeInContextWithPreRoll() throws Exception {
        addTwoTakes();
        waitFor(() -> w.timeline.getHeight() >= 100, 10, "the waveform to keep its height beside the lanes");
        float[] source = edt(() -> w.controller.sourceAudio().interleaved().clone());
        clickLane(0);
        waitFor(() -> !out.played.isEmpty(), 10, "the click to play the take");
        OwnStudio.Recorder.Played p = out.last();
        assertTrue(p.loop(), "the region loops");
        assertEquals((3 - (int) StudioWindow.PRE_ROLL) * RATE, p.from(), "pre-roll before the region");
        assertEquals(6 * RATE, p.to());
        assertRegionReplaced(p.stereo(), source, 0.25f);
        assertEquals(0, (int) edt(() -> w.takes.selected()));
    }

    @Test
    void oneKeyComparesWithTheNextTakeAndWithTheOriginal() throws Exception {
        addTwoTakes();
        float[] source = edt(() -> w.controller.sourceAudio().interleaved().clone());
        clickLane(0);
        waitFor(() -> out.played.size() == 1, 10, "the first take");
        press(KeyEvent.VK_DOWN);
        waitFor(() -> out.played.size() == 2, 10, "↓ to play the next take");
        assertRegionReplaced(out.last().stereo(), source, -0.25f);
        press(KeyEvent.VK_A);
        waitFor(() -> out.played.size() == 3, 10, "A to play the original");
        OwnStudio.Recorder.Played original = out.last();
        assertArrayEquals(source, original.stereo(), "A plays the original");
        assertEquals((3 - (int) StudioWindow.PRE_ROLL) * RATE, original.from(), "over the same loop");
        assertEquals(6 * RATE, original.to());
        press(KeyEvent.VK_A);
        waitFor(() -> out.played.size() == 4, 10, "A again to play the take");
        assertRegionReplaced(out.last().stereo(), source, -0.25f);
    }

    @Test
    void enterCompsExactlyTheRegionAndUndoRestoresTheSource() throws Exception {
        List<Take> t = addTwoTakes();
        float[] source = edt(() -> w.controller.sourceAudio().interleaved().clone());
        clickLane(1);
        waitFor(() -> out.played.size() == 1, 10, "the take to play");
        press(KeyEvent.VK_ENTER);
        waitFor(() -> !w.comping.chosen().isEmpty(), 10, "Enter to comp the take");
        float[] working = edt(() -> w.comping.working().clone());
        assertRegionReplaced(working, source, -0.25f);
        assertEquals(t.get(1), edt(() -> w.comping.chosen().values().iterator().next()));
        Path compFile = edt(() -> w.controller.source());
        assertEquals("source comp.wav", compFile.getFileName().toString(), "later renders start from the comp");
        assertTrue(Files.isRegularFile(compFile));
        press(KeyEvent.VK_CONTROL, KeyEvent.VK_Z);
        waitFor(() -> w.comping.chosen().isEmpty(), 10, "Ctrl+Z to undo the comp");
        assertArrayEquals(source, edt(() -> w.comping.working().clone()), "undo restores every sample");
    }

    @Test
    void anExtractedStemAndItsResidualAreHeardSoloAndTheResidualComps() throws Exception {
        float[] source = edt(() -> w.controller.sourceAudio().interleaved().clone());
        float[] vocals = new float[source.length];
        for (int i = 0; i < vocals.length; i++) vocals[i] = 0.5f * source[i];           // "half of it is the vocal"
        Take stem = new Take("Vocals · seed 1", vocals, RATE, 3, 6, null, true);
        Take residual = Take.residual(stem, source, "without Vocals · seed 1");
        for (int i = 0; i < source.length; i++) assertEquals(source[i] - vocals[i], residual.stereo()[i], 0f);
        assertTrue(residual.solo());
        edt(() -> { w.takes.add(stem); w.takes.add(residual); w.validate(); return null; });
        robot.waitForIdle();
        clickLane(0);
        waitFor(() -> out.played.size() == 1, 10, "the stem to play");
        assertArrayEquals(vocals, out.last().stereo(), "the stem alone, not mixed into the source");
        assertEquals((3 - (int) StudioWindow.PRE_ROLL) * RATE, out.last().from());
        assertTrue(out.last().loop());
        press(KeyEvent.VK_DOWN);
        waitFor(() -> out.played.size() == 2, 10, "the residual to play");
        assertArrayEquals(residual.stereo(), out.last().stereo(), "the residual alone");
        press(KeyEvent.VK_ENTER);
        waitFor(() -> !w.comping.chosen().isEmpty(), 10, "the residual to comp");
        float[] working = edt(() -> w.comping.working().clone());
        int fade = (int) Math.round(Comping.FADE_SECONDS * RATE);
        for (int f = 0; f < source.length / 2; f++) {
            if (f < 3 * RATE || f >= 6 * RATE) assertEquals(source[2 * f], working[2 * f], 0f, "outside the region: the source");
            else if (f >= 3 * RATE + fade && f < 6 * RATE - fade) assertEquals(residual.stereo()[2 * f], working[2 * f], 0f, "the stem removed");
        }
    }

    /** The take lanes for the guide (docs/refresh-screenshots.sh points the folder at docs/images). */
    @Test
    void screenshotOfTakeLanes() throws Exception {
        float[][] audio = new float[3][];
        double[] pitch = {330, 392, 262};
        for (int k = 0; k < 3; k++) {
            audio[k] = new float[2 * 12 * RATE];
            for (int i = 0; i < 12 * RATE; i++) {
                float v = (float) (0.5 * Math.sin(2 * Math.PI * pitch[k] * i / RATE) * Math.sin(Math.PI * (i % RATE) / RATE));
                audio[k][2 * i] = v;
                audio[k][2 * i + 1] = v;
            }
        }
        edt(() -> {
            w.setRegions(List.of(org.aceforge.engine.timeline.Region.between(3, 6)));
            for (int k = 0; k < 3; k++) w.takes.add(new Take("Repaint seed " + (101 + k) + " · 3.0–6.0 s", audio[k], RATE, 3, 6, null));
            w.validate();
            return null;
        });
        robot.waitForIdle();
        clickLane(1);
        waitFor(() -> out.played.size() == 1, 10, "the take to play");
        press(KeyEvent.VK_ENTER);
        waitFor(() -> !w.comping.chosen().isEmpty(), 10, "the comp");
        String dir = System.getProperty("aceforge.screenshots");
        Path shots = Files.createDirectories(dir == null ? tmp.resolve("shots") : Path.of(dir));
        edt(() -> { StudioWindowTest.shoot(w.getContentPane(), shots.resolve("studio-takes.png").toFile()); return null; });
        assertTrue(Files.size(shots.resolve("studio-takes.png")) > 10_000);
        edt(() -> {
            w.spectrogram.doClick();
            w.validate();
            StudioWindowTest.shoot(w.getContentPane(), shots.resolve("studio-spectrogram.png").toFile());
            return null;
        });
    }
}
