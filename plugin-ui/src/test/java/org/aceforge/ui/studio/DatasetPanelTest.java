package org.aceforge.ui.studio;

import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dataset tab of Train…: a scanned folder becomes a table of songs (an undecodable file named as skipped), cells
 * edit the songs, bad values are named and not taken, and Save writes the official builder's JSON that the Train tab
 * then uses; a bad dataset JSON is named, not loaded.
 */
class DatasetPanelTest extends StudioUiTest {
    @Override
    boolean withSource() {
        return false;
    }

    @Test
    void scanEditAndSaveADataset() throws Exception {
        I18n.use("en");
        Path songs = tmp.resolve("songs");
        DatasetTest.clicks(songs.resolve("a.wav"), 10);
        DatasetTest.clicks(songs.resolve("b.wav"), 8);
        Files.writeString(songs.resolve("broken.mp3"), "no");
        TrainingDialog d = edt(() -> w.showTraining());
        DatasetPanel p = d.datasetPanel;
        edt(() -> { p.tag.setText("zz"); return null; });
        edt(() -> p.scan(songs)).get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(2, (int) edt(p.model::getRowCount), edt(p.problem::getText));
        String status = edt(p.status::getText);
        assertTrue(status.startsWith("2 songs found") && status.contains("broken.mp3"), status);
        assertEquals("a.wav", edt(() -> p.model.getValueAt(0, DatasetTableModel.FILE)));

        edt(() -> { p.model.setValueAt("fast", 0, DatasetTableModel.BPM); return null; });
        assertEquals("BPM: 'fast' is not a whole number from 30 to 300", edt(p.problem::getText));
        edt(() -> { p.model.setValueAt("7/8", 0, DatasetTableModel.TIME_SIGNATURE); return null; });
        assertEquals("Time signature: '7/8' is not 2, 3, 4 or 6", edt(p.problem::getText));
        edt(() -> {
            p.model.setValueAt("dry metronome clicks", 0, DatasetTableModel.CAPTION);
            p.model.setValueAt("128", 0, DatasetTableModel.BPM);
            p.model.setValueAt("3/4", 0, DatasetTableModel.TIME_SIGNATURE);
            p.model.setValueAt(Boolean.TRUE, 1, DatasetTableModel.INSTRUMENTAL);
            return null;
        });
        assertEquals(" ", edt(p.problem::getText));

        Path file = tmp.resolve("out/my-style");
        Files.createDirectories(file.getParent());
        edt(() -> { p.save(file); return null; });
        Path json = tmp.resolve("out/my-style.json");
        Dataset saved = DatasetJson.read(json);
        assertEquals("zz", saved.customTag());
        assertEquals("dry metronome clicks", saved.samples().get(0).caption());
        assertTrue(saved.samples().get(0).labeled(), "an edited caption counts as a label");
        assertEquals(128, saved.samples().get(0).bpm());
        assertEquals("3", saved.samples().get(0).timesignature());
        assertTrue(saved.samples().get(1).instrumental());
        assertEquals(json.toString(), edt(d.dataset::getText), "the Train tab trains on what was saved");

        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"samples\": [{\"audio_path\": \"a.wav\", \"bpm\": \"fast\"}]}");
        edt(() -> { p.open(bad); return null; });
        assertTrue(edt(p.problem::getText).contains("samples[0].bpm"), edt(p.problem::getText));
        assertEquals(2, (int) edt(p.model::getRowCount), "a bad file replaces nothing");
        edt(() -> { p.open(json); return null; });
        assertEquals("2 songs loaded", edt(p.status::getText));
        assertFalse(edt(() -> p.model.getValueAt(0, DatasetTableModel.CAPTION)).toString().isEmpty());
        String docs = System.getProperty("aceforge.screenshots");
        Path shots = Files.createDirectories(docs == null ? tmp.resolve("shots") : Path.of(docs));
        edt(() -> { d.tabs.setSelectedIndex(0); return null; });
        StudioWindowTest.shoot(d.getContentPane(), shots.resolve("dataset.png").toFile());
    }

    @Test
    void autoLabelFillsTheUnlabelledSongs() throws Exception {
        I18n.use("en");
        Path songs = tmp.resolve("to-label");
        DatasetTest.clicks(songs.resolve("only.wav"), 10);
        TrainingDialog d = edt(() -> w.showTraining());
        DatasetPanel p = d.datasetPanel;
        edt(() -> p.scan(songs)).get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Boolean.FALSE, edt(() -> p.model.getValueAt(0, DatasetTableModel.LABELED)));
        edt(() -> p.label()).get(300, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("Labelled: review the captions, then save", edt(p.status::getText), edt(p.problem::getText));
        assertEquals(Boolean.TRUE, edt(() -> p.model.getValueAt(0, DatasetTableModel.LABELED)));
        assertFalse(edt(() -> p.model.getValueAt(0, DatasetTableModel.CAPTION)).toString().isBlank(), "the LM wrote a caption");
    }

    @Test
    void savingNothingWritesNothing() throws Exception {
        I18n.use("en");
        TrainingDialog d = edt(() -> w.showTraining());
        Path file = tmp.resolve("empty.json");
        edt(() -> { d.datasetPanel.save(file); return null; });
        assertEquals("The dataset has no songs: scan a folder or open a dataset first", edt(d.datasetPanel.problem::getText));
        assertFalse(Files.exists(file));
    }
}
