package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import javax.swing.JScrollPane;
import javax.swing.SwingUtilities;
import java.awt.Component;
import java.awt.Point;
import java.awt.Rectangle;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.aceforge.ui.studio.StudioWindowTest.edt;
import static org.aceforge.ui.studio.StudioWindowTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The form for musicians: each mode shows only what applies (the LM's toggles only where the LM takes part, Method
 * in every mode), the sampler's internals sit under Advanced (closed until clicked), Steps is fixed on turbo, and
 * switching modes does not move the layout around the form. Its own window.
 */
class ModeFormTest extends StudioUiTest {
    @Override
    boolean withSource() {
        return false;
    }

    boolean showing(String fieldName) throws Exception {
        return edt(() -> {
            Component c = StudioWindowTest.find(w.form, fieldName);
            return c != null && c.isVisible();
        });
    }

    @Test
    void eachModeShowsWhatAppliesAndTheLayoutStaysPut() throws Exception {
        Map<Mode, Rectangle[]> layout = new LinkedHashMap<>();
        for (Mode m : Mode.values()) {
            edt(() -> { w.modeButtons.get(m).doClick(); w.validate(); return null; });
            assertEquals(m.usesLm(), edt(() -> w.think.isVisible()), m + ": Think only where the LM takes part");
            assertEquals(m.usesLm(), edt(() -> w.captionRewrite.isVisible()), m + ": CaptionRewrite likewise");
            assertTrue(showing("method"), m + ": Method applies to every mode");
            for (String k : Mode.ADVANCED) assertFalse(showing(k), m + ": " + k + " is under Advanced, closed");
            layout.put(m, edt(() -> new Rectangle[]{
                    bounds(SwingUtilities.getAncestorOfClass(JScrollPane.class, w.form)),
                    bounds(w.modeButtons.get(Mode.SIMPLE).getParent()),
                    bounds(w.render.getParent()), bounds(w.results)}));
        }
        Rectangle[] first = layout.get(Mode.SIMPLE);
        layout.forEach((m, r) -> {
            for (int i = 0; i < r.length; i++) assertEquals(first[i], r[i], m + ": part " + i + " of the layout moved");
        });
    }

    @Test
    void advancedOpensWithAClickAndStepsIsFixedOnTurbo() throws Exception {
        edt(() -> { w.modeButtons.get(Mode.REPAINT).doClick(); return null; });
        assertFalse(showing("shift"));
        // Scroll the form to the Advanced button, as a user would, then click it.
        edt(() -> { w.form.advanced.scrollRectToVisible(new Rectangle(w.form.advanced.getSize())); return null; });
        robot.waitForIdle();
        Point p = edt(() -> {
            Point s = w.form.advanced.getLocationOnScreen();
            return new Point(s.x + w.form.advanced.getWidth() / 2, s.y + w.form.advanced.getHeight() / 2);
        });
        click(p);
        waitFor(() -> StudioWindowTest.find(w.form, "shift").isVisible(), 10, "Advanced to open");
        assertTrue(showing("timesteps"));
        assertFalse(showing("description"), "Advanced shows the mode's own internals only");
        assertTrue(Mode.turbo(w.settings.variant), "the default model is turbo");
        assertFalse(edt(() -> w.form.steps.isEnabled()), "turbo runs its fixed schedule: Steps is not editable");
    }

    static Rectangle bounds(Component c) {
        return SwingUtilities.convertRectangle(c.getParent(), c.getBounds(), SwingUtilities.getRootPane(c));
    }

    @Test
    void trackListsStartWithVocalsAndReadInTheUiLanguage() throws Exception {
        assertEquals("vocals", ModePanel.TRACK_ORDER.get(0));
        assertEquals("backing_vocals", ModePanel.TRACK_ORDER.get(1));
        assertEquals(org.aceforge.engine.text.Prompts.TRACKS.size(), ModePanel.TRACK_ORDER.size());
        assertEquals("vocals", edt(() -> w.form.track.getItemAt(0)), "the request gets the engine's id");
        for (String lang : new String[]{"en", "zh", "ja"}) {
            I18n.use(lang);
            for (String id : ModePanel.TRACK_ORDER) {
                String name = ModePanel.trackName(id);
                assertFalse(name.equals(id) || name.contains("_"), lang + ": " + id + " has a readable name (" + name + ")");
            }
        }
        I18n.use("en");
        assertEquals("Backing vocals", ModePanel.trackName("backing_vocals"));
        // Repaint modes and methods read in the UI language too; the request keeps the engine's words.
        for (String lang : new String[]{"en", "zh", "ja"}) {
            I18n.use(lang);
            for (String m : new String[]{"balanced", "conservative", "aggressive"})
                assertFalse(I18n.t("repaintMode." + m).equals("repaintMode." + m), lang + ": repaint mode " + m);
            for (String m : new String[]{"ode", "sde"}) assertFalse(I18n.t("method." + m).equals("method." + m), lang + ": method " + m);
        }
        I18n.use("en");
        javax.swing.JLabel shown = edt(() -> (javax.swing.JLabel) w.form.repaintMode.getRenderer()
                .getListCellRendererComponent(new javax.swing.JList<>(), "conservative", 0, false, false));
        assertEquals("Conservative", shown.getText());
        assertEquals("balanced", edt(() -> w.form.values().get("repaintMode")));
    }
}
