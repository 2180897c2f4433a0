package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import com.formdev.flatlaf.FlatDarkLaf;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.swing.SwingUtilities;
import java.awt.event.MouseEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The studio under Xvfb: load a file through the drop path, select a region with the mouse, every mode, render on
 * the demo pack with moving progress, cancel, queue, audition, save, undo; screenshots of both themes and every mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioWindowTest {
    static StudioWindow w;
    static RenderService service;
    @TempDir
    static Path tmp;

    static <T> T edt(Callable<T> c) throws Exception {
        AtomicReference<T> r = new AtomicReference<>();
        AtomicReference<Exception> e = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try { r.set(c.call()); } catch (Exception x) { e.set(x); }
        });
        if (e.get() != null) throw e.get();
        return r.get();
    }

    static void waitFor(Callable<Boolean> cond, int seconds, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (edt(cond)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @BeforeAll
    static void open() throws Exception {
        Display.assumeAvailable();
        ModelLocator.ensureDemoPack();
        service = new RenderService(1, new GraphCache(tmp.resolve("graphs")));
        Path renders = Files.createDirectories(tmp.resolve("renders"));
        edt(() -> {
            FlatDarkLaf.setup();
            StudioSettings s = new StudioSettings();
            s.theme = "dark";
            w = new StudioWindow(s, service, renders);
            w.setSize(1400, 960);
            w.setVisible(true);
            return null;
        });
    }

    @AfterAll
    static void close() throws Exception {
        if (w != null) edt(() -> { w.dispose(); return null; });
        if (service != null) service.close();
    }

    static Path sourceFile() throws Exception {
        if (tmp == null) tmp = Files.createTempDirectory("aceforge-ui");
        return sourceFile(tmp);
    }

    /** A 12 s 220 Hz tone with a slow swell, 48 kHz stereo WAV, in {@code dir}. */
    static Path sourceFile(Path dir) throws Exception {
        int n = 48000 * 12;
        byte[] pcm = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 220 * i / 48000.0) * (0.6 + 0.4 * Math.sin(i / 24000.0)));
            pcm[4 * i] = (byte) v; pcm[4 * i + 1] = (byte) (v >> 8); pcm[4 * i + 2] = (byte) v; pcm[4 * i + 3] = (byte) (v >> 8);
        }
        Path f = dir.resolve("source.wav");
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(48000, 16, 2, true, false), n),
                AudioFileFormat.Type.WAVE, f.toFile());
        return f;
    }

    @Test
    @Order(1)
    void loadSelectRegionAndUndo() throws Exception {
        Path f = sourceFile();
        edt(() -> { w.loadSource(f); return null; });            // the same path a drop takes
        waitFor(() -> w.controller.sourceAudio() != null, 30, "the source to load");
        // Free placement here (the grid from the source's estimated tempo would snap the drawn edges).
        edt(() -> { ((javax.swing.JCheckBox) find(w.getContentPane(), "snap")).doClick(); return null; });
        edt(() -> {
            TimelinePanel t = w.timeline;
            int y = t.getHeight() / 2, x1 = t.toX(3.0), x2 = t.toX(6.0);
            t.dispatchEvent(new MouseEvent(t, MouseEvent.MOUSE_PRESSED, 0, 0, x1, y, 1, false, MouseEvent.BUTTON1));
            t.dispatchEvent(new MouseEvent(t, MouseEvent.MOUSE_DRAGGED, 0, MouseEvent.BUTTON1_DOWN_MASK, x2, y, 1, false, MouseEvent.BUTTON1));
            t.dispatchEvent(new MouseEvent(t, MouseEvent.MOUSE_RELEASED, 0, 0, x2, y, 1, false, MouseEvent.BUTTON1));
            return null;
        });
        List<Region> rs = edt(() -> w.timeline.regions());
        assertEquals(1, rs.size());
        assertEquals(3.0, rs.get(0).start(), 0.1);
        assertEquals(6.0, rs.get(0).end(), 0.1);
        assertEquals(3.0, edt(() -> (Double) w.regionStart.getValue()), 0.1, "numeric fields follow the mouse");
        edt(() -> { w.undo.undo(); return null; });
        assertTrue(edt(() -> w.timeline.regions().isEmpty()), "Ctrl-Z undoes the region");
        edt(() -> { w.undo.redo(); return null; });
        assertEquals(1, (int) edt(() -> w.timeline.regions().size()));
    }

    @Test
    @Order(2)
    void everyModeShowsItsFieldsAndUnavailableModesSayWhy() throws Exception {
        for (Mode m : Mode.values()) {
            boolean enabled = edt(() -> w.modeButtons.get(m).isEnabled());
            if (!enabled) {
                String tip = edt(() -> w.modeButtons.get(m).getToolTipText());
                assertTrue(tip.contains(m == Mode.SIMPLE ? "LM" : "base"), m + ": " + tip);
                continue;
            }
            edt(() -> { w.modeButtons.get(m).doClick(); return null; });
            assertEquals(m, edt(() -> w.form.mode()));
            assertEquals(m.fields.contains("caption"), (boolean) edt(() -> w.form.row("caption").isVisible()), m + " caption");
            assertEquals(m.fields.contains("repaintMode"), (boolean) edt(() -> w.form.field("repaintMode").isVisible()), m + " repaint mode");
        }
        assertFalse(edt(() -> w.modeButtons.get(Mode.EXTRACT).isEnabled()), "extract needs the base model");
    }

    @Test
    @Order(3)
    void renderWithProgressThenCancelAndQueue() throws Exception {
        edt(() -> {
            w.modeButtons.get(Mode.CUSTOM).doClick();
            w.form.caption.setText("warm tape-saturated keys");
            w.form.duration.setValue(10.0);
            w.form.batch.setValue(2);
            w.form.seed.setText("7");
            return null;
        });
        List<Integer> progress = new CopyOnWriteArrayList<>();
        edt(() -> { w.progress.addChangeListener(e -> progress.add(w.progress.getValue())); return null; });
        RenderJob job = edt(() -> w.startRender());
        assertNotNull(job, edt(() -> w.error.getText()));
        RenderResult r = job.result().get(300, TimeUnit.SECONDS);
        waitFor(() -> w.results.batchCount() == 1, 30, "the batch to appear");
        assertEquals(2, r.items().size());
        assertTrue(progress.stream().anyMatch(v -> v > 0 && v < 1000), "progress moved: " + progress);
        // Names that say what each file is (seed 7 is given; the second variant gets the next seed the engine picks).
        assertEquals("warm tape saturated keys custom v1 seed 7.wav", r.items().get(0).audio().getFileName().toString());
        assertTrue(r.items().get(1).audio().getFileName().toString().startsWith("warm tape saturated keys custom v2 seed "),
                r.items().get(1).audio().getFileName().toString());
        assertTrue(Files.isRegularFile(org.aceforge.engine.jobs.RenderRequest.besideAudio(r.items().get(0).audio(), ".json")), "the sidecar beside it");

        // A second render queues behind a long one; cancelling the running one frees the queue.
        edt(() -> { w.form.duration.setValue(120.0); return null; });
        RenderJob first = edt(() -> w.startRender());
        edt(() -> { w.form.duration.setValue(10.0); return null; });
        RenderJob second = edt(() -> w.startRender());
        waitFor(() -> w.queue.getText().contains("1"), 10, "the queue label");
        waitFor(() -> first.progress().stage() == org.aceforge.engine.jobs.Progress.Stage.DIFFUSION, 120, "the first render to start diffusing");
        edt(() -> { w.cancel.doClick(); return null; });
        waitFor(() -> first.result().isDone(), 60, "the cancel");
        assertTrue(first.result().isCompletedExceptionally());
        second.result().get(300, TimeUnit.SECONDS);
        waitFor(() -> w.results.batchCount() == 2, 30, "the queued batch");
        assertEquals("batch 2 / 2", edt(() -> ((javax.swing.JLabel) findByText(w.results, "batch 2 / 2")).getText()));
    }

    @Test
    @Order(4)
    void detailsAreAReadablePanel() throws Exception {
        RenderResult.Item item = edt(() -> w.results.shownItems().get(0));
        edt(() -> { findButton(w.results, "details").doClick(); return null; });
        waitFor(() -> java.util.Arrays.stream(java.awt.Window.getWindows()).anyMatch(x -> x instanceof DetailsDialog && x.isShowing()),
                10, "the details window");
        DetailsDialog d = edt(() -> (DetailsDialog) java.util.Arrays.stream(java.awt.Window.getWindows())
                .filter(x -> x instanceof DetailsDialog && x.isShowing()).findFirst().orElseThrow());
        try {
            java.awt.Dimension size = edt(d::getSize);
            assertTrue(size.width <= 900 && size.height <= 700, "bounded: " + size);
            javax.swing.table.TableModel m = edt(() -> d.summaryTable.getModel());
            java.util.Map<String, String> rows = new java.util.LinkedHashMap<>();
            for (int i = 0; i < m.getRowCount(); i++) rows.put(String.valueOf(m.getValueAt(i, 0)), String.valueOf(m.getValueAt(i, 1)));
            assertEquals(Long.toString(item.seed()), rows.get(I18n.t("details.seed")), rows.toString());
            assertTrue(rows.containsKey(I18n.t("field.caption")), rows.toString());
            assertTrue(rows.keySet().stream().anyMatch(k -> k.startsWith(I18n.t("details.time"))), "stage times: " + rows);
            assertTrue(rows.values().stream().noneMatch(v -> v.contains("{")), "no raw JSON in the summary: " + rows);
        } finally {
            edt(() -> { d.dispose(); return null; });
        }
    }

    @Test
    @Order(4)
    void auditionSaveAndErrorsNextToTheControl() throws Exception {
        RenderResult.Item item = edt(() -> w.results.shownItems().get(0));
        edt(() -> { findButton(w.results, "play").doClick(); return null; });   // plays, or says there is no device
        edt(() -> { w.player.stop(); return null; });
        Path saved = edt(() -> w.results.save(item, tmp.resolve("kept.wav")));
        assertTrue(Files.isRegularFile(saved));
        assertTrue(Files.isRegularFile(tmp.resolve("kept.json")));
        edt(() -> { w.modeButtons.get(Mode.CUSTOM).doClick(); w.form.bpm.setText("fast"); return null; });
        assertEquals(null, edt(() -> w.startRender()));
        assertTrue(edt(() -> w.error.getText()).contains("BPM"), edt(() -> w.error.getText()));
        assertEquals("error", edt(() -> w.form.bpm.getClientProperty("JComponent.outline")), "the bad field is outlined");
        edt(() -> { w.form.bpm.setText(""); return null; });
    }

    @Test
    @Order(5)
    void autoGenStartsTheNextBatch() throws Exception {
        int before = edt(() -> w.results.batchCount());
        edt(() -> { w.modeButtons.get(Mode.CUSTOM).doClick(); w.form.duration.setValue(10.0); w.autoGen.setSelected(true); return null; });
        edt(() -> w.startRender());
        waitFor(() -> w.results.batchCount() >= before + 2, 300, "AutoGen's second batch");
        edt(() -> { w.autoGen.setSelected(false); return null; });
        waitFor(() -> w.controller.jobs().isEmpty(), 300, "the queue to drain");
    }

    @Test
    @Order(6)
    void screenshotsOfBothThemesAndEveryMode() throws Exception {
        Path out = shots();
        for (String theme : List.of("dark", "light")) {
            edt(() -> { w.setTheme(theme); w.form.caption.setText("warm tape-saturated keys"); w.applyModelAvailability(); return null; });
            for (Mode m : Mode.values()) {
                edt(() -> {
                    // Base-only modes are shown with the base variant selected.
                    w.settings.variant = m.needsBase() ? "base" : "turbo";
                    w.applyModelAvailability();
                    if (w.modeButtons.get(m).isEnabled()) w.modeButtons.get(m).doClick();
                    else w.form.show(m);
                    if (m == Mode.CUSTOM) w.form.bpm.setText("96");
                    if (m == Mode.SIMPLE) w.form.description.setText("a slow rainy-night song with brushed drums and a sad piano");
                    w.validate();
                    shoot(w.getContentPane(), out.resolve("studio-" + theme + "-" + m.key() + ".png").toFile());
                    return null;
                });
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("studio-dark-custom.png")));
        assertTrue(Files.isRegularFile(out.resolve("studio-light-repaint.png")));
        for (Mode m : Mode.values()) assertTrue(Files.isRegularFile(out.resolve("studio-dark-" + m.key() + ".png")), m.key());
    }

    static com.fasterxml.jackson.databind.JsonNode sidecar(RenderResult r, int i) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.items().get(i).sidecar().toFile());
    }

    @Test
    @Order(7)
    void simpleModeAndTheLmTogglesDriveTheLm() throws Exception {
        edt(() -> { w.settings.variant = "turbo"; w.settings.lm = "auto"; w.applyModelAvailability(); return null; });
        assertTrue(edt(() -> w.modeButtons.get(Mode.SIMPLE).isEnabled()), "the demo pack has an LM: Simple is available");
        assertTrue(edt(() -> w.think.isEnabled() && w.think.isSelected() && w.captionRewrite.isSelected()), "Think and CaptionRewrite on by default");

        // Simple: a description becomes caption, lyrics, metadata and codes.
        edt(() -> {
            w.modeButtons.get(Mode.SIMPLE).doClick();
            w.form.description.setText("a slow rainy night song");
            w.form.batch.setValue(1);
            w.form.seed.setText("11");
            return null;
        });
        assertTrue(edt(() -> w.form.durationAuto.isSelected()), "Simple lets the LM choose the duration by default");
        edt(() -> { w.form.durationAuto.doClick(); w.form.duration.setValue(10.0); return null; });
        RenderJob simple = edt(() -> w.startRender());
        assertNotNull(simple, edt(() -> w.error.getText()));
        RenderResult r = simple.result().get(600, TimeUnit.SECONDS);
        var j = sidecar(r, 0);
        assertEquals("a slow rainy night song", j.path("lm").path("describe").asText());
        assertFalse(j.path("lyrics").asText().isBlank(), "the LM wrote lyrics");
        assertEquals(50, j.path("lm").path("code_count").asInt(), "codes for the whole song (10 s)");

        // Custom with Think off and CaptionRewrite off: metadata from the LM, the caption and no codes are the user's.
        edt(() -> {
            w.modeButtons.get(Mode.CUSTOM).doClick();
            w.think.doClick();
            w.captionRewrite.doClick();
            w.form.caption.setText("brushed jazz drums");
            w.form.duration.setValue(10.0);
            w.form.bpm.setText("");
            return null;
        });
        assertFalse(edt(() -> w.settings.think), "the toggle is saved in the settings");
        RenderResult custom = edt(() -> w.startRender()).result().get(600, TimeUnit.SECONDS);
        var c = sidecar(custom, 0);
        assertEquals("brushed jazz drums", c.path("caption").asText());
        assertTrue(c.path("lm").path("codes").isMissingNode(), "Think off: no codes");
        assertTrue(c.path("bpm").asInt() >= 30, "the LM chose the tempo: " + c.path("bpm"));
        edt(() -> { w.think.doClick(); w.captionRewrite.doClick(); return null; });

        // LM off in the settings: Simple disabled with the reason, toggles disabled, Custom renders without the LM.
        edt(() -> { w.settings.lm = "none"; w.applyModelAvailability(); return null; });
        assertFalse(edt(() -> w.modeButtons.get(Mode.SIMPLE).isEnabled()));
        assertTrue(edt(() -> w.modeButtons.get(Mode.SIMPLE).getToolTipText()).contains("LM"));
        assertFalse(edt(() -> w.think.isEnabled()));
        RenderResult plain = edt(() -> w.startRender()).result().get(600, TimeUnit.SECONDS);
        assertTrue(sidecar(plain, 0).path("lm").isMissingNode(), "no LM section when the LM is off");
        edt(() -> { w.settings.lm = "auto"; w.applyModelAvailability(); return null; });
    }

    @Test
    @Order(8)
    void settingsDialogOffersTheInstalledLmAndItsOptions() throws Exception {
        Path out = shots();
        double[] temperatures = {0.5, 0.7};
        for (int pass = 0; pass < 2; pass++) {
            String theme = pass == 0 ? "dark" : "light";
            double next = temperatures[pass];
            edt(() -> { w.settings.lmTemperature = 0.85; return null; });
            SettingsDialog d = edt(() -> { w.setTheme(theme); SettingsDialog x = new SettingsDialog(w); x.setModal(false); x.setVisible(true); return x; });
            edt(() -> {
                javax.swing.JComboBox<?> lm = (javax.swing.JComboBox<?>) find(d.getContentPane(), "lm");
                assertNotNull(lm);
                assertTrue(lm.isEnabled());
                List<Object> items = new java.util.ArrayList<>();
                for (int i = 0; i < lm.getItemCount(); i++) items.add(lm.getItemAt(i));
                assertEquals(List.of("auto", "0.6B", "none"), items);
                javax.swing.JSpinner t = (javax.swing.JSpinner) find(d.getContentPane(), "lmTemperature");
                assertEquals(0.85, (Double) t.getValue(), 1e-9, "the dialog shows the setting (the default here)");
                shoot(d.getContentPane(), out.resolve("settings-" + theme + ".png").toFile());
                t.setValue(next);
                findButtonByText(d.getContentPane(), I18n.t("settings.ok")).doClick();
                return null;
            });
            assertEquals(next, edt(() -> w.settings.lmTemperature), 1e-9, "saved from the dialog");
        }
        edt(() -> { w.settings.lmTemperature = 0.85; w.setTheme("dark"); return null; });

        // INT8 and LoRA are live settings: a LoRA folder that is not an adapter is refused next to Render.
        SettingsDialog d = edt(() -> { SettingsDialog x = new SettingsDialog(w); x.setModal(false); x.setVisible(true); return x; });
        Path notAdapter = Files.createDirectories(tmp.resolve("not-an-adapter"));
        edt(() -> {
            javax.swing.JCheckBox int8 = (javax.swing.JCheckBox) find(d.getContentPane(), "int8");
            javax.swing.JTextField lora = (javax.swing.JTextField) find(d.getContentPane(), "lora");
            assertTrue(int8.isEnabled() && lora.isEnabled(), "INT8 and LoRA are offered");
            int8.setSelected(true);
            lora.setText(notAdapter.toString());
            ((javax.swing.JCheckBox) find(d.getContentPane(), "useLora")).setSelected(true);
            findButtonByText(d.getContentPane(), I18n.t("settings.ok")).doClick();
            return null;
        });
        assertTrue(edt(() -> w.settings.int8 && w.settings.useLora));
        edt(() -> { w.modeButtons.get(Mode.CUSTOM).doClick(); w.form.duration.setValue(10.0); w.settings.lm = "none"; return null; });
        assertEquals(null, edt(() -> w.startRender()));
        assertTrue(edt(() -> w.error.getText()).contains("adapter"), edt(() -> w.error.getText()));
        edt(() -> { w.settings.useLora = false; return null; });
        RenderResult r = edt(() -> w.startRender()).result().get(600, TimeUnit.SECONDS);
        assertTrue(sidecar(r, 0).path("model").path("int8").asBoolean(), "the render ran on int8 weights");
        edt(() -> { w.settings.int8 = false; w.settings.lm = "auto"; w.settings.lora = ""; return null; });
    }

    @Test
    @Order(9)
    void languageSwitchesWhileTheWindowIsOpen() throws Exception {
        String renderEn = edt(() -> w.render.getText()), simpleEn = edt(() -> w.modeButtons.get(Mode.SIMPLE).getText());
        SettingsDialog d = edt(() -> { SettingsDialog x = new SettingsDialog(w); x.setModal(false); x.setVisible(true); return x; });
        // The language menu names each language in its own words.
        javax.swing.JComboBox<?> menu = edt(() -> (javax.swing.JComboBox<?>) find(d.getContentPane(), "language"));
        java.util.List<String> shown = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int k = i;
            shown.add(edt(() -> ((javax.swing.JLabel) ((javax.swing.ListCellRenderer<Object>) menu.getRenderer())
                    .getListCellRendererComponent(new javax.swing.JList<>(), menu.getItemAt(k), k, false, false)).getText()));
        }
        assertEquals(java.util.List.of("English", "中文", "日本語"), shown);
        edt(() -> {
            for (java.awt.Component c : allComponents(d.getContentPane()))
                if (c instanceof javax.swing.JComboBox<?> box && "en".equals(box.getSelectedItem())) box.setSelectedItem("ja");
            findButtonByText(d.getContentPane(), I18n.t("settings.ok")).doClick();
            return null;
        });
        assertEquals("ja", edt(() -> I18n.language()));
        String renderJa = edt(() -> w.render.getText());
        assertNotEquals(renderEn, renderJa);
        assertEquals(edt(() -> I18n.t("render.render")), renderJa, "the open window speaks Japanese");
        assertEquals(edt(() -> I18n.t("mode.simple")), edt(() -> w.modeButtons.get(Mode.SIMPLE).getText()));
        edt(() -> { I18n.retranslate(w, "en"); w.settings.language = "en"; return null; });
        assertEquals(renderEn, edt(() -> w.render.getText()));
        assertEquals(simpleEn, edt(() -> w.modeButtons.get(Mode.SIMPLE).getText()));
    }

    @Test
    @Order(10)
    void codesFormatExampleAndAdvancedSamplerControls() throws Exception {
        edt(() -> { w.settings.variant = "turbo"; w.settings.lm = "auto"; w.applyModelAvailability(); w.modeButtons.get(Mode.CUSTOM).doClick(); return null; });
        edt(() -> { w.form.caption.setText(""); w.form.randomExample.doClick(); return null; });
        assertFalse(edt(() -> w.form.caption.getText()).isBlank(), "the random example fills the caption");

        // Bad codes are refused next to the codes field.
        edt(() -> { w.form.codes.setText("<|audio_code_1|> nonsense"); return null; });
        assertEquals(null, edt(() -> w.startRender()));
        assertTrue(edt(() -> w.error.getText()).startsWith(I18n.t("field.codes")), edt(() -> w.error.getText()));
        assertEquals("error", edt(() -> w.form.codes.getClientProperty("JComponent.outline")));

        // Source → codes → transcribe → render following them (as FLAC).
        assertNotNull(edt(() -> w.controller.source()), "the source of the first test is loaded");
        edt(() -> w.codesFromSource()).get(300, TimeUnit.SECONDS);
        waitFor(() -> !w.form.codes.getText().isBlank() && !w.form.codes.getText().contains("nonsense"), 30, "the codes");
        int n = edt(() -> org.aceforge.engine.lm.AudioCodes.parse(w.form.codes.getText()).length);
        assertEquals(60, n, "12 s of source → 60 codes");
        edt(() -> { w.form.caption.setText(""); return null; });
        edt(() -> w.transcribeCodes()).get(300, TimeUnit.SECONDS);
        waitFor(() -> !w.form.caption.getText().isBlank(), 30, "the transcription");
        edt(() -> { w.form.lyrics.setText("[Verse]\nla la"); return null; });
        edt(() -> w.formatCaption()).get(300, TimeUnit.SECONDS);
        waitFor(() -> w.stage.getText().equals(I18n.t("lm.done")), 30, "the format");
        edt(() -> {
            w.form.audioFormat.setSelectedItem("flac");
            w.form.codeStrength.setValue(0.7);
            w.form.batch.setValue(1);
            w.think.setSelected(false);
            w.settings.think = false;
            return null;
        });
        RenderResult r = edt(() -> w.startRender()).result().get(600, TimeUnit.SECONDS);
        assertTrue(r.items().get(0).audio().toString().endsWith(".flac"));
        var j = sidecar(r, 0);
        assertEquals(60, org.aceforge.engine.lm.AudioCodes.parse(j.path("codes").asText()).length);
        assertEquals(0.7, j.path("code_strength").asDouble(), 1e-9);
        assertEquals(12.0, r.items().get(0).durationSeconds(), 0.01);
        edt(() -> { w.form.codes.setText(""); w.form.audioFormat.setSelectedItem("wav"); w.think.setSelected(true); w.settings.think = true; return null; });

        // Turbo offers custom timesteps; base/SFT offer ADG and the CFG interval instead.
        assertTrue(edt(() -> w.form.timesteps.isEnabled() && !w.form.adg.isEnabled()));
        edt(() -> { w.settings.variant = "base"; w.applyModelAvailability(); return null; });
        assertTrue(edt(() -> !w.form.timesteps.isEnabled() && w.form.adg.isEnabled() && w.form.cfgStart.isEnabled()));
        edt(() -> { w.settings.variant = "turbo"; w.applyModelAvailability(); w.form.timesteps.setText("1, 0.x"); return null; });
        assertEquals(null, edt(() -> w.startRender()));
        assertTrue(edt(() -> w.error.getText()).startsWith(I18n.t("field.timesteps")), edt(() -> w.error.getText()));
        edt(() -> { w.form.timesteps.setText(""); return null; });
    }

    @Test
    @Order(11)
    void filesDialogListsEveryRenderNewestFirstAndLoadsOne() throws Exception {
        FilesDialog d = edt(() -> { FilesDialog x = new FilesDialog(w, w.renderFolder); x.setVisible(true); return x; });
        int n = edt(() -> d.table.getRowCount());
        long onDisk;
        try (var s = Files.list(w.renderFolder)) {
            onDisk = s.filter(p -> p.toString().matches(".*\\.(wav|flac|mp3)$")).count();
        }
        assertEquals(onDisk, n, "every rendered audio file is listed");
        assertTrue(n >= 5);
        FilesDialog.Entry first = edt(() -> d.entries.get(d.table.convertRowIndexToModel(0)));
        assertEquals("text2music", first.mode(), "the newest first: " + first);
        assertNotNull(first.seconds());
        // Search: only rows whose name or caption contain the text; sort: by length.
        edt(() -> { d.search.setText("TAPE saturated"); return null; });
        int found = edt(() -> d.table.getRowCount());
        assertTrue(found >= 1 && found < n, found + " of " + n);
        for (int i = 0; i < found; i++) {
            int row = i;
            String cap = edt(() -> d.entries.get(d.table.convertRowIndexToModel(row)).caption());
            String name = edt(() -> d.entries.get(d.table.convertRowIndexToModel(row)).audio().getFileName().toString());
            assertTrue((cap + name).toLowerCase().contains("tape saturated"), cap + " / " + name);
        }
        edt(() -> { d.search.setText(""); d.table.getRowSorter().toggleSortOrder(3); return null; });
        double previous = -1;
        for (int i = 0; i < n; i++) {
            int row = i;
            Double len = edt(() -> d.entries.get(d.table.convertRowIndexToModel(row)).seconds());
            if (len == null) continue;
            assertTrue(len >= previous, "sorted by length");
            previous = len;
        }
        edt(() -> { d.table.getRowSorter().setSortKeys(null); return null; });
        Path newest = edt(() -> d.entries.get(0).audio());
        int takesBefore = edt(() -> w.takes.takes().size());
        edt(() -> { d.table.setRowSelectionInterval(0, 0); ((javax.swing.JButton) find(d.getContentPane(), "filesTake")).doClick(); return null; });
        waitFor(() -> w.takes.takes().size() == takesBefore + 1, 30, "the file to open as a take");
        assertEquals(newest, edt(() -> w.takes.takes().get(takesBefore).file()));
        edt(() -> { d.table.setRowSelectionInterval(0, 0); ((javax.swing.JButton) find(d.getContentPane(), "filesLoad")).doClick(); d.dispose(); return null; });
        waitFor(() -> newest.equals(w.controller.source()), 30, "the file to load as the source");
    }

    @Test
    @Order(12)
    void ctrlZUndoesParameterEditsToo() throws Exception {
        edt(() -> {
            w.modeButtons.get(Mode.CUSTOM).doClick();
            w.form.steps.setValue(8);
            w.form.language.setSelectedItem("unknown");
            w.form.instrumental.setSelected(false);
            w.undo.discardAllEdits();
            w.form.steps.setValue(12);
            w.form.language.setSelectedItem("ja");
            w.form.instrumental.setSelected(true);
            return null;
        });
        edt(() -> { w.undo.undo(); return null; });
        assertFalse(edt(() -> w.form.instrumental.isSelected()));
        edt(() -> { w.undo.undo(); return null; });
        assertEquals("unknown", edt(() -> w.form.language.getSelectedItem()));
        edt(() -> { w.undo.undo(); return null; });
        assertEquals(8, (int) edt(() -> (Integer) w.form.steps.getValue()));
        edt(() -> { w.undo.redo(); return null; });
        assertEquals(12, (int) edt(() -> (Integer) w.form.steps.getValue()));
        edt(() -> { w.modeButtons.get(Mode.REMIX).doClick(); w.modeButtons.get(Mode.CUSTOM).doClick(); return null; });
        edt(() -> { w.undo.undo(); return null; });
        assertEquals(8, (int) edt(() -> (Integer) w.form.steps.getValue()), "a mode switch is not an edit: undo reaches the steps");
    }

    @Test
    @Order(13)
    void autoScoreShowsEachVariantsScore() throws Exception {
        edt(() -> {
            w.settings.autoScore = true;
            w.settings.autoLrc = true;
            w.settings.offload = true;
            w.form.lyrics.setText("[Verse]\nline one\nline two");
            w.settings.think = false;
            w.think.setSelected(false);
            w.modeButtons.get(Mode.CUSTOM).doClick();
            w.form.caption.setText("warm keys");
            w.form.durationAuto.setSelected(false);
            w.form.duration.setValue(10.0);
            w.form.batch.setValue(1);
            w.form.seed.setText("21");
            return null;
        });
        RenderResult r = edt(() -> w.startRender()).result().get(600, TimeUnit.SECONDS);
        double total = sidecar(r, 0).path("score").path("total").asDouble(-1);
        assertTrue(total >= 0 && total <= 1, "score " + total);
        waitFor(() -> first(w.results, javax.swing.JLabel.class, l -> l.getText() != null && l.getText().contains("seed 21")) != null, 30, "the result row");
        String row = edt(() -> first(w.results, javax.swing.JLabel.class, l -> l.getText() != null && l.getText().contains("seed 21")).getText());
        assertTrue(row.contains(I18n.t("results.score")), row);
        assertEquals(0, service.openSessions(), "offload (Settings) freed every model after the render");
        assertEquals(2, sidecar(r, 0).path("lrc").path("lines").size(), "auto-LRC timed both lines");
        assertNotNull(edt(() -> findButton(w.results, "lrc")), "the variant offers its LRC");
        edt(() -> { w.settings.autoLrc = false; w.form.lyrics.setText(""); w.settings.autoScore = false; w.settings.offload = false; w.settings.think = true; w.think.setSelected(true); return null; });
    }

    /** The first component of a type in a tree that passes a test (null when none does). */
    /** Models: what the folder holds with its check, and Get models with sizes and free space (nothing fetched). */
    @Test
    @Order(14)
    void modelsDialogListsChecksAndOffersDownloads() throws Exception {
        Path out = shots();
        Path demo = ModelLocator.ensureDemoPack().root();
        String before = edt(() -> w.settings.modelDir);
        ModelsDialog d = edt(() -> { w.settings.modelDir = demo.toString(); w.setTheme("dark"); return w.showModels(); });
        try {
            edt(() -> {
                List<String> names = new java.util.ArrayList<>();
                for (int r = 0; r < d.table.getRowCount(); r++) names.add(d.table.getValueAt(r, 1) + "=" + d.table.getValueAt(r, 4));
                assertTrue(names.contains("turbo=installed") && names.contains("vae=installed") && names.contains("sft=missing"), names.toString());
                assertTrue(d.choices.keySet().stream().anyMatch(e -> e.name().equals("main")) && d.choices.size() == 8);
                assertTrue(d.free.getText().contains("free"), d.free.getText());
                assertTrue(d.download.isEnabled() && !d.stop.isEnabled());
                d.check.doClick();
                return null;
            });
            waitFor(() -> d.check.isEnabled() && d.report.getText().contains("ok"), 60, "the check to finish");
            assertFalse(edt(() -> d.report.getText()).contains("PROBLEM"), edt(() -> d.report.getText()));
            edt(() -> {
                shoot(d.getContentPane(), out.resolve("models-dark.png").toFile());
                return null;
            });
        } finally {
            edt(() -> { d.dispose(); return null; });
        }
        // The settings dialog opens the same list for its model folder.
        SettingsDialog s = edt(() -> { SettingsDialog x = new SettingsDialog(w); x.setModal(false); x.setVisible(true); return x; });
        edt(() -> { findButton(s.getContentPane(), "openModels").doClick(); return null; });
        assertTrue(edt(() -> w.showModels().isVisible()));
        edt(() -> { s.dispose(); w.showModels().dispose(); w.settings.modelDir = before; return null; });
    }

    static <T extends java.awt.Component> T first(java.awt.Container root, Class<T> type, java.util.function.Predicate<T> test) {
        for (java.awt.Component k : allComponents(root))
            if (type.isInstance(k) && test.test(type.cast(k))) return type.cast(k);
        return null;
    }

    /** Where screenshots go: target/screenshots, or docs/images when docs/refresh-screenshots.sh runs the test. */
    static Path shots() throws Exception {
        String dir = System.getProperty("aceforge.screenshots");
        Path out = dir == null ? tmp.resolve("shots") : Path.of(dir);
        return Files.createDirectories(out);
    }

    /** A component painted into a PNG file. */
    static void shoot(java.awt.Container c, java.io.File file) throws Exception {
        BufferedImage img = new BufferedImage(c.getWidth(), c.getHeight(), BufferedImage.TYPE_INT_RGB);
        c.paint(img.getGraphics());
        ImageIO.write(img, "png", file);
    }

    static java.awt.Component find(java.awt.Container c, String name) {
        return first(c, java.awt.Component.class, k -> name.equals(k.getName()));
    }

    static java.awt.Component findByText(java.awt.Container c, String text) {
        return first(c, javax.swing.JLabel.class, l -> text.equals(l.getText()));
    }

    static javax.swing.JButton findButton(java.awt.Container c, String name) {
        return first(c, javax.swing.JButton.class, b -> name.equals(b.getName()));
    }

    static javax.swing.JButton findButtonByText(java.awt.Container c, String text) {
        return first(c, javax.swing.JButton.class, b -> text.equals(b.getText()));
    }

    static List<java.awt.Component> allComponents(java.awt.Container c) {
        List<java.awt.Component> out = new java.util.ArrayList<>();
        for (java.awt.Component k : c.getComponents()) {
            out.add(k);
            if (k instanceof java.awt.Container cc) out.addAll(allComponents(cc));
        }
        return out;
    }

}
