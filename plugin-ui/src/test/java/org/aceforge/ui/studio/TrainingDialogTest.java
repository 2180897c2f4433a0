package org.aceforge.ui.studio;

import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetSample;
import org.aceforge.engine.train.DatasetTest;
import org.aceforge.engine.train.TagPosition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Train… in the studio, under the display with the demo pack: a run from a dataset to an adapter with its loss plotted
 * live, Stop leaving a resumable checkpoint, and a missing dataset named under the fields.
 */
class TrainingDialogTest extends StudioUiTest {
    @Override
    boolean withSource() {
        return false;
    }

    Path dataset() throws Exception {
        DatasetTest.clicks(tmp.resolve("songs/a.wav"), 10);
        Dataset d = new Dataset("clicks", "zz", TagPosition.PREPEND, true, 0, List.of(
                new DatasetSample("1", "songs/a.wav", "a.wav", "metronome", "", "", 120, "C major", "4", 10, null, true, true)));
        Path f = tmp.resolve("dataset.json");
        DatasetJson.write(d, f);
        return f;
    }

    void fill(TrainingDialog d, Path dataset, Path out, int epochs) {
        d.dataset.setText(dataset.toString());
        d.out.setText(out.toString());
        d.rank.setValue(4);
        d.alpha.setValue(8.0);
        d.lr.setValue(1e-3);
        d.epochs.setValue(epochs);
    }

    @Test
    void aRunTrainsAnAdapterAndPlotsItsLoss() throws Exception {
        I18n.use("en");
        Path ds = dataset(), out = tmp.resolve("adapter");
        TrainingDialog d = edt(() -> w.showTraining());
        edt(() -> { d.start.doClick(); return null; });
        assertEquals("Dataset (JSON or folder): is required", edt(d.problem::getText));
        edt(() -> { fill(d, ds, out, 3); d.start.doClick(); return null; });
        assertFalse(edt(d.start::isEnabled), "one run at a time");
        d.worker().join(300_000);
        waitFor(() -> d.start.isEnabled(), 10, "the run to end");
        String said = edt(d.status::getText) + " / " + edt(d.problem::getText);
        assertTrue(said.startsWith("Done"), said);
        assertEquals(3, (int) edt(d.plot::points), "a point per step");
        String logged = edt(d.log::getText);
        assertTrue(logged.contains("epoch 3 loss "), logged);
        assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")));
        String docs = System.getProperty("aceforge.screenshots");
        Path shots = Files.createDirectories(docs == null ? tmp.resolve("shots") : Path.of(docs));
        StudioWindowTest.shoot(d.getContentPane(), shots.resolve("training.png").toFile());
    }

    @Test
    void stopLeavesACheckpoint() throws Exception {
        I18n.use("en");
        Path ds = dataset(), out = tmp.resolve("stopped");
        TrainingDialog d = edt(() -> w.showTraining());
        edt(() -> { fill(d, ds, out, 10_000); d.start.doClick(); return null; });
        waitFor(() -> d.plot.points() >= 1, 300, "a first step");
        edt(() -> { d.stop.doClick(); return null; });
        d.worker().join(120_000);
        waitFor(() -> d.start.isEnabled(), 10, "the run to stop");
        String said = edt(d.status::getText);
        assertTrue(said.startsWith("Stopped"), said);
        assertTrue(Files.isRegularFile(out.resolve("checkpoint/trainer.json")), "a resumable checkpoint");
    }
}
