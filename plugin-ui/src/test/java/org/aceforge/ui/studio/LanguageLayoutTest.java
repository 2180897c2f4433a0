package org.aceforge.ui.studio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.swing.AbstractButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JViewport;
import javax.swing.SwingUtilities;
import java.awt.Component;
import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In every language, at 1280×800 and in every mode, no label, button or box of the studio is cut off (narrower than
 * it needs) or pushed out of the window. Each language gets its own window.
 */
class LanguageLayoutTest {
    @TempDir
    Path tmp;
    OwnStudio studio;
    StudioWindow w;

    @AfterEach
    void close() throws Exception {
        if (studio != null) studio.close();
        I18n.use("en");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh", "ja"})
    void nothingIsCutOffOrPushedOut(String language) throws Exception {
        edt(() -> { I18n.use(language); return null; });
        StudioSettings settings = new StudioSettings();
        settings.language = language;
        studio = OwnStudio.open(tmp, settings);
        w = studio.w;
        List<String> problems = new ArrayList<>();
        for (Mode m : Mode.values()) {
            problems.addAll(edt(() -> {
                w.modeButtons.get(m).doClick();
                w.validate();
                return check(w, m);
            }));
        }
        assertTrue(problems.isEmpty(), language + ": " + problems.size() + " problems:\n" + String.join("\n", problems));
        // The guide's picture of each language (docs/refresh-screenshots.sh points the folder at docs/images).
        String dir = System.getProperty("aceforge.screenshots");
        Path shots = Files.createDirectories(dir == null ? tmp.resolve("shots") : Path.of(dir));
        edt(() -> {
            w.modeButtons.get(Mode.REPAINT).doClick();
            w.validate();
            StudioWindowTest.shoot(w.getContentPane(), shots.resolve("studio-" + language + ".png").toFile());
            return null;
        });
    }

    /** Every showing text component: as wide as its text needs, and inside the window's content. */
    static List<String> check(StudioWindow w, Mode mode) {
        List<String> out = new ArrayList<>();
        JComponent content = (JComponent) w.getContentPane();
        Rectangle bounds = new Rectangle(0, 0, content.getWidth(), content.getHeight());
        for (Component c : StudioWindowTest.allComponents(content)) {
            if (!c.isShowing() || !(c instanceof AbstractButton || c instanceof JLabel)) continue;
            String text = c instanceof AbstractButton b ? b.getText() : ((JLabel) c).getText();
            if (text == null || text.isBlank() || c.getParent() instanceof javax.swing.CellRendererPane) continue;
            String what = mode + " " + c.getClass().getSimpleName() + " \"" + text + "\"";
            if (c.getWidth() + 1 < c.getPreferredSize().width)
                out.add(what + " is cut off: " + c.getWidth() + " px of " + c.getPreferredSize().width);
            // Inside a scrolling view the user can reach it; elsewhere it must lie within the window.
            if (SwingUtilities.getAncestorOfClass(JViewport.class, c) != null) continue;
            Rectangle r = SwingUtilities.convertRectangle(c.getParent(), c.getBounds(), content);
            if (!bounds.contains(r)) out.add(what + " lies outside the window: " + r);
            else {
                Rectangle visible = ((JComponent) c).getVisibleRect();
                if (visible.width < c.getWidth() || visible.height < c.getHeight())
                    out.add(what + " is hidden by its panel: " + visible.width + "×" + visible.height + " of " + c.getWidth() + "×" + c.getHeight() + " visible");
            }
        }
        return out;
    }
}
