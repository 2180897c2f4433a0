package org.aceforge.ui.studio;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.timeline.Region;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The region list: it follows the timeline, a typed start moves the region, each region's own caption renders as its
 * own job (on the demo pack) whose takes sit over that region, and an error names the region it is about and marks
 * it. Its own window and service.
 */
class RegionListTest extends StudioUiTest {
    @Override
    void prepare() throws Exception {
        ModelLocator.ensureDemoPack();
        edt(() -> { w.modeButtons.get(Mode.REPAINT).doClick(); w.setRegions(List.of(Region.between(1, 3), Region.between(6, 8))); return null; });
    }

    @Test
    void theListFollowsTheTimelineAndATypedStartMovesTheRegion() throws Exception {
        assertEquals(2, (int) edt(() -> w.regionList.getRowCount()));
        assertEquals(6.0, (Double) edt(() -> w.regionList.getValueAt(1, 1)), 1e-9);
        edt(() -> { w.regionList.setValueAt(5.5, 1, 1); return null; });
        assertEquals(Region.between(5.5, 8), edt(() -> w.timeline.regions().get(1)), "the typed start moved the region");
        edt(() -> { w.regionList.setValueAt(9.0, 1, 1); return null; });          // after its end: refused
        assertEquals(Region.between(5.5, 8), edt(() -> w.timeline.regions().get(1)));
        edt(() -> { w.undo.undo(); return null; });
        assertEquals(Region.between(6, 8), edt(() -> w.timeline.regions().get(1)), "Ctrl+Z undoes a typed edit");
    }

    @Test
    void eachRegionsOwnCaptionRendersAsItsOwnJobOverThatRegion() throws Exception {
        edt(() -> {
            w.form.caption.setText("warm keys");
            w.form.batch.setValue(1);
            w.form.seed.setText("5");
            w.regionList.setOwn(1, null, "loud drum fill");
            return null;
        });
        RenderJob first = edt(() -> w.startRender());
        assertNotNull(first, edt(() -> w.error.getText()));
        List<RenderJob> jobs = edt(() -> w.controller.jobs());
        assertEquals(2, jobs.size(), "one render per region group");
        for (RenderJob j : jobs) j.result().get(300, TimeUnit.SECONDS);
        waitFor(() -> w.takes.takes().size() == 2, 60, "a take lane per region");
        List<Take> takes = edt(() -> w.takes.takes());
        assertTrue(takes.stream().anyMatch(t -> t.start() == 1 && t.end() == 3), "a take over region 1");
        assertTrue(takes.stream().anyMatch(t -> t.start() == 6 && t.end() == 8), "a take over region 2");
        assertTrue(takes.stream().anyMatch(t -> t.file().getFileName().toString().startsWith("source repaint 6.0-8.0 s")), "named by region");
    }

    @Test
    void anErrorNamesAndMarksItsRegion() throws Exception {
        edt(() -> {
            w.form.caption.setText("warm keys");
            w.regionList.setOwn(1, Mode.LEGO, null);      // Lego needs the base model; turbo is set
            return null;
        });
        RenderJob job = edt(() -> w.startRender());
        String text = edt(() -> w.error.getText());
        assertTrue(text.startsWith(String.format(I18n.t("regions.error"), 2, "")), text);
        assertEquals(1, (int) edt(() -> w.regionList.errorRow()), "region 2 is marked");
        assertTrue(!text.contains("--"), "no command-line flags: " + text);
        for (RenderJob j : edt(() -> w.controller.jobs())) j.cancel();
        if (job != null) job.cancel();
    }
}
