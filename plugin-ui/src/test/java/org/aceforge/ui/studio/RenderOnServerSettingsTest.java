package org.aceforge.ui.studio;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.server.ApiServer;
import org.aceforge.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPasswordField;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.find;
import static org.aceforge.ui.studio.StudioWindowTest.findButtonByText;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings → Render on, in a real window under the display: a bad address is named and keeps the dialog open, Test
 * asks the server, OK sends the next render there, and the status line says where renders run.
 */
class RenderOnServerSettingsTest extends StudioUiTest {
    static ApiServer server;
    static Path serverFolder;

    @BeforeAll
    static void startServer() throws Exception {
        serverFolder = Path.of("target", "render-on-server").toAbsolutePath();
        org.aceforge.engine.tensors.Folders.deleteRecursively(serverFolder);
        server = new ApiServer(new ServerSettings("127.0.0.1", 0, "sesame", 1, DemoPackFixture.pack().root(), serverFolder,
                20, 50, 8, false)).start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Override
    boolean withSource() {
        return false;
    }

    @Test
    void aServerChosenInSettingsRendersTheNextClick() throws Exception {
        I18n.use("en");
        SettingsDialog d = edt(() -> { SettingsDialog x = new SettingsDialog(w); x.setModal(false); x.setVisible(true); return x; });
        JTextField url = edt(() -> (JTextField) find(d.getContentPane(), "serverUrl"));
        assertTrue(edt(() -> !url.isEnabled()), "the address is for a server only");
        edt(() -> {
            ((JComboBox<?>) find(d.getContentPane(), "renderOn")).setSelectedItem("server");
            url.setText("ftp://gpu-box");
            findButtonByText(d.getContentPane(), I18n.t("settings.ok")).doClick();
            return null;
        });
        assertEquals("Server URL: 'ftp://gpu-box' is not an http:// or https:// address",
                edt(() -> ((JLabel) find(d.getContentPane(), "settingsProblem")).getText()));
        assertTrue(edt(d::isVisible), "the dialog stays open on a bad address");
        assertEquals("", edt(() -> w.settings.renderOn), "nothing saved");

        edt(() -> {
            url.setText("127.0.0.1:" + server.port());
            ((JPasswordField) find(d.getContentPane(), "serverKey")).setText("sesame");
            findButtonByText(d.getContentPane(), I18n.t("settings.testServer")).doClick();
            return null;
        });
        JTextArea report = edt(() -> StudioWindowTest.first(d.getContentPane(), JTextArea.class, t -> true));
        waitFor(() -> report.getText().startsWith("AceForge"), 30, "the server's answer to Test");
        String said = edt(report::getText);
        assertTrue(said.contains("http://127.0.0.1:" + server.port()), said);
        String docs = System.getProperty("aceforge.screenshots");
        Path shots = Files.createDirectories(docs == null ? tmp.resolve("shots") : Path.of(docs));
        StudioWindowTest.shoot(d.getContentPane(), shots.resolve("settings-server.png").toFile());
        edt(() -> { findButtonByText(d.getContentPane(), I18n.t("settings.ok")).doClick(); return null; });
        assertEquals("127.0.0.1:" + server.port(), edt(() -> w.settings.renderOn));
        assertEquals("sesame", edt(() -> w.settings.serverKey));
        assertTrue(edt(() -> w.status.getText()).startsWith("Renders on the server http://127.0.0.1:" + server.port()),
                edt(() -> w.status.getText()));

        edt(() -> { w.modeButtons.get(Mode.CUSTOM).doClick(); w.form.duration.setValue(10.0);
            w.form.caption.setText("warm lofi hip hop"); w.settings.lm = "none"; return null; });
        var job = edt(() -> w.startRender());
        assertTrue(job != null, () -> "refused: " + w.error.getText());
        RenderResult r = job.result().get(300, TimeUnit.SECONDS);
        Path audio = r.items().get(0).audio();
        assertTrue(Files.size(audio) > 1000 && audio.startsWith(tmp.resolve("renders")), audio.toString());
        assertTrue(Files.readString(r.items().get(0).sidecar()).contains("\"rendered_on\" : \"http://127.0.0.1:" + server.port() + "\""));
        try (var outputs = Files.list(serverFolder.resolve("outputs"))) {
            assertEquals(1, outputs.count(), "rendered by the server");
        }
    }
}
