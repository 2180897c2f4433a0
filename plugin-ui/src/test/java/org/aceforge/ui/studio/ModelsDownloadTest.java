package org.aceforge.ui.studio;

import org.aceforge.engine.download.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;

/**
 * "Get models" in the dialog against a local hub that speaks the Hugging Face protocol (the engine's FakeHub, serving
 * the demo pack in the official layout): Stop during a stalled transfer, Download again resumes and installs, the list
 * shows the new model installed and the studio is told. Nothing touches the internet; files go under target/.
 */
class ModelsDownloadTest {
    FakeHub hub;
    Path folder;

    @BeforeEach
    void serve() throws Exception {
        Display.assumeAvailable();
        hub = FakeHub.servingDemoPack(100);
        System.setProperty("aceforge.env.HF_ENDPOINT", hub.hfEndpoint());
        System.setProperty("aceforge.env.MODELSCOPE_ENDPOINT", hub.msEndpoint());
        folder = Path.of("target", "ui-downloads", "models-" + System.nanoTime()).toAbsolutePath();
    }

    @AfterEach
    void stop() {
        System.clearProperty("aceforge.env.HF_ENDPOINT");
        System.clearProperty("aceforge.env.MODELSCOPE_ENDPOINT");
        if (hub != null) hub.close();
    }

    static List<String> rows(ModelsDialog d) {
        List<String> names = new ArrayList<>();
        for (int r = 0; r < d.table.getRowCount(); r++) names.add(d.table.getValueAt(r, 1) + "=" + d.table.getValueAt(r, 4));
        return names;
    }

    @Test
    void stopDuringAStallThenDownloadAgainResumesInstallsAndTellsTheStudio() throws Exception {
        hub.faults.put("model.safetensors", "stall");   // the base DiT's weights stall once, a third of the way in
        StudioSettings settings = new StudioSettings();
        settings.modelDir = folder.toString();
        AtomicInteger told = new AtomicInteger();
        ModelsDialog d = edt(() -> {
            ModelsDialog x = new ModelsDialog(null, settings, told::incrementAndGet);
            x.setVisible(true);
            return x;
        });
        try {
            edt(() -> {
                assertFalse(rows(d).contains("base=installed"), rows(d).toString());
                d.choices.forEach((e, box) -> box.setSelected(e.name().equals("base")));
                assertTrue(d.free.getText().contains("free"), d.free.getText());
                d.download.doClick();
                return null;
            });
            waitFor(() -> hub.log.stream().anyMatch(l -> l.startsWith("cdn model.safetensors")), 30, "the weights' transfer to start");
            edt(() -> { d.stop.doClick(); return null; });
            waitFor(() -> !d.stop.isEnabled(), 30, "Stop to take effect");
            assertTrue(edt(() -> d.report.getText()).contains(I18n.t("models.stopped")), edt(() -> d.report.getText()));
            assertFalse(Files.exists(folder.resolve("acestep-v15-base/model.safetensors")), "a stopped download installs nothing");
            assertFalse(edt(() -> rows(d)).contains("base=installed"));

            int before = hub.log.size();
            edt(() -> { d.download.doClick(); return null; });
            waitFor(() -> !d.stop.isEnabled() && d.report.getText().contains(I18n.t("models.done")), 60, "the download to finish");
            assertTrue(edt(() -> rows(d)).contains("base=installed"), edt(() -> rows(d)).toString());
            assertTrue(told.get() >= 2, "the studio is told after each download");
            assertTrue(hub.log.subList(before, hub.log.size()).stream().anyMatch(l -> l.startsWith("cdn model.safetensors range=bytes=")),
                    "the second download resumed with a range request: " + hub.log);
            assertTrue(org.aceforge.engine.model.ModelCheck.check(folder).stream().allMatch(c -> c.ok()), "the installed folder passes the check");
            assertTrue(Files.mismatch(folder.resolve("acestep-v15-base/model.safetensors"),
                    org.aceforge.engine.jobs.ModelLocator.ensureDemoPack().root().resolve("acestep-v15-base/model.safetensors")) < 0);
            assertEquals(I18n.t("models.done"), edt(() -> d.progress.getString()).replace("…", ""), "the bar ends with the outcome");
        } finally {
            edt(() -> { d.dispose(); return null; });
        }
    }
}
