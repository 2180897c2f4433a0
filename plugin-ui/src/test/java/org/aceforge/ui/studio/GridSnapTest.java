package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.util.List;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The grid, driven with the mouse through java.awt.Robot at 120 BPM (a beat every 0.5 s): a drawn region's edges land
 * on beats, Alt places them freely, a region dragged from inside moves by whole beats, and the Snap box turns it off.
 * Each test has its own window.
 */
class GridSnapTest extends StudioUiTest {
    @Override
    void prepare() throws Exception {
        edt(() -> { w.modeButtons.get(Mode.CUSTOM).doClick(); w.form.bpm.setText("120"); return null; });
        waitFor(() -> w.timeline.grid() != null, 10, "the tempo to reach the timeline");
    }

    Point at(double seconds) throws Exception {
        return edt(() -> {
            Point s = w.timeline.getLocationOnScreen();
            return new Point(s.x + w.timeline.toX(seconds), s.y + w.timeline.getHeight() / 2);
        });
    }

    void drag(double from, double to, boolean alt) throws Exception {
        if (alt) drag(at(from), at(to), KeyEvent.VK_ALT);
        else drag(at(from), at(to));
    }

    List<Region> regions() throws Exception {
        return edt(() -> w.timeline.regions());
    }

    @Test
    void drawnEdgesLandOnBeats() throws Exception {
        drag(3.13, 5.38, false);
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        assertEquals(3.0, regions().get(0).start(), 1e-9);
        assertEquals(5.5, regions().get(0).end(), 1e-9);
        assertEquals(3.0, (Double) edt(() -> w.regionStart.getValue()), 1e-9, "the start field follows");
    }

    @Test
    void altPlacesFreely() throws Exception {
        drag(7.13, 8.38, true);
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        Region r = regions().get(0);
        double px = edt(() -> w.timeline.viewSeconds() / w.timeline.getWidth());
        assertEquals(7.13, r.start(), 2 * px);
        assertEquals(8.38, r.end(), 2 * px);
    }

    @Test
    void aRegionDraggedFromInsideMovesByWholeBeats() throws Exception {
        drag(3.0, 5.5, false);
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        drag(4.0, 4.8, false);      // grab inside, move 0.8 s: the start 3.8 s snaps to 4.0 s
        waitFor(() -> w.timeline.regions().get(0).start() != 3.0, 10, "the move");
        assertEquals(4.0, regions().get(0).start(), 1e-9);
        assertEquals(6.5, regions().get(0).end(), 1e-9, "the length is kept");
    }

    @Test
    void theSnapBoxTurnsItOff() throws Exception {
        edt(() -> { ((javax.swing.JCheckBox) StudioWindowTest.find(w.getContentPane(), "snap")).doClick(); return null; });
        drag(3.13, 5.38, false);
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        assertNotEquals(3.0, regions().get(0).start(), 1e-3);
        assertNotEquals(5.5, regions().get(0).end(), 1e-3);
    }

    @Test
    void undoingARegionLeavesNoRangeInItsFields() throws Exception {
        drag(3.13, 5.38, false);
        waitFor(() -> w.timeline.regions().size() == 1, 10, "the region");
        assertEquals(5.5, (Double) edt(() -> w.regionEnd.getValue()), 1e-9);
        press(KeyEvent.VK_CONTROL, KeyEvent.VK_Z);
        waitFor(() -> w.timeline.regions().isEmpty(), 10, "Ctrl+Z to remove the region");
        assertEquals(0.0, (Double) edt(() -> w.regionStart.getValue()), 0);
        assertEquals(0.0, (Double) edt(() -> w.regionEnd.getValue()), 0, "the end field no longer shows the removed region");
    }

    @Test
    void withoutATypedBpmTheGridFollowsTheSourcesEstimate() throws Exception {
        edt(() -> { w.form.bpm.setText(""); return null; });
        Integer estimate = edt(() -> w.estimatedBpm);
        BeatGrid g = edt(() -> w.timeline.grid());
        if (estimate == null) assertEquals(null, g, "no tempo, no grid");
        else assertEquals(estimate, g.bpm(), 1e-9, "the grid is the estimate");
        edt(() -> { w.form.bpm.setText("90"); return null; });
        assertEquals(90, edt(() -> w.timeline.grid().bpm()), 1e-9, "a typed BPM wins");
    }
}
