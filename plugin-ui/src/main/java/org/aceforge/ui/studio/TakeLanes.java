package org.aceforge.ui.studio;

import javax.swing.AbstractAction;
import javax.swing.JComponent;
import javax.swing.KeyStroke;
import javax.swing.UIManager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Take lanes under the timeline, aligned with it in time: one lane per take (a region edit's variant, or a
 * text2music result over the whole length), its audio drawn over its span. Click a lane to hear it in context;
 * ↑/↓ moves to the previous/next take and plays it; A switches between the take and the original over the same loop;
 * Enter comps the take into the working audio; Space or Esc stops. EDT only.
 */
public final class TakeLanes extends JComponent {
    static final int LANE = 34, LABEL = 120;
    private final TimelinePanel view;
    private final List<Take> takes = new ArrayList<>();
    private final List<PeakCache> peaks = new ArrayList<>();
    private final List<Take> comped = new ArrayList<>();
    private int selected = -1;
    private boolean original;
    private boolean spectrogram;
    private final java.util.Map<Take, java.awt.image.BufferedImage> pictures = new java.util.HashMap<>();
    private final java.util.Map<Take, String> pictureKeys = new java.util.HashMap<>();
    private Listener listener = new Listener() { };

    /** What the window does with the lanes' gestures. */
    public interface Listener {
        /** Play {@code take} in context (or, with {@code original}, the working audio over the same loop). */
        default void audition(Take take, boolean original) { }

        default void comp(Take take) { }

        default void stop() { }
    }

    public TakeLanes(TimelinePanel view) {
        this.view = view;
        setName("takeLanes");
        setFocusable(true);
        addMouseListener(new MouseAdapter() {
            @Override
            public void mousePressed(MouseEvent e) {
                requestFocusInWindow();
                int lane = e.getY() / LANE;
                if (lane >= 0 && lane < takes.size()) {
                    original = false;
                    select(lane);
                }
            }
        });
        key(KeyEvent.VK_UP, "previousTake", () -> { if (selected > 0) { original = false; select(selected - 1); } });
        key(KeyEvent.VK_DOWN, "nextTake", () -> { if (selected < takes.size() - 1) { original = false; select(selected + 1); } });
        key(KeyEvent.VK_A, "abTake", this::toggleOriginal);
        key(KeyEvent.VK_ENTER, "compTake", () -> { if (selected >= 0) listener.comp(takes.get(selected)); });
        key(KeyEvent.VK_SPACE, "stopTake", () -> listener.stop());
        key(KeyEvent.VK_ESCAPE, "escapeTake", () -> listener.stop());
    }

    private void key(int code, String name, Runnable r) {
        getInputMap(WHEN_FOCUSED).put(KeyStroke.getKeyStroke(code, 0), name);
        getActionMap().put(name, new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) { r.run(); }
        });
    }

    public void onGesture(Listener l) { listener = l; }

    private Runnable onGrow = () -> { };

    /** Told when a lane is added (the window makes room for it). */
    public void onGrow(Runnable r) { onGrow = r; }

    /** Adds a lane (newest at the bottom). */
    public void add(Take t) {
        takes.add(t);
        peaks.add(new PeakCache(t.stereo(), t.rate()));
        revalidate();
        if (getParent() != null && getParent().getParent() != null) getParent().getParent().revalidate();   // the scroll pane grows
        repaint();
        onGrow.run();
    }

    /** Removes every lane (a new source). */
    public void clear() {
        pictures.clear();
        pictureKeys.clear();
        takes.clear();
        peaks.clear();
        comped.clear();
        selected = -1;
        revalidate();
        repaint();
    }

    public List<Take> takes() { return List.copyOf(takes); }

    public int selected() { return selected; }

    /** Whether A/B is on the original (else the take). */
    public boolean hearingOriginal() { return original; }

    /** Selects lane {@code i} and auditions it (take or original, as A/B stands). */
    public void select(int i) {
        selected = i;
        repaint();
        listener.audition(takes.get(i), original);
    }

    /** A/B: the selected take against the original over the same loop. */
    public void toggleOriginal() {
        if (selected < 0) return;
        original = !original;
        select(selected);
    }

    /** Spectrogram pictures in the lanes instead of waveforms. */
    public void setSpectrogram(boolean on) {
        spectrogram = on;
        repaint();
    }

    /** The takes now in the comp (marked in their lanes). */
    public void setComped(Collection<Take> inComp) {
        comped.clear();
        comped.addAll(inComp);
        repaint();
    }

    @Override
    public Dimension getPreferredSize() {
        return new Dimension(400, takes.size() * LANE);
    }

    /** A lane's name on a backing plate, readable over its waveform or picture. */
    private static void label(Graphics2D g, String text, int y, Color plate, Color fg) {
        int w = g.getFontMetrics().stringWidth(text) + 10, h = g.getFontMetrics().getHeight();
        g.setColor(new Color(plate.getRed(), plate.getGreen(), plate.getBlue(), 210));
        g.fillRoundRect(2, y + (LANE - h) / 2 - 1, w, h + 2, 6, 6);
        g.setColor(fg);
        g.drawString(text, 7, y + LANE / 2 + 5);
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0.create();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color bg = UIManager.getColor("Panel.background"), fg = UIManager.getColor("Label.foreground");
        if (bg == null) bg = Color.DARK_GRAY;
        if (fg == null) fg = Color.LIGHT_GRAY;
        int w = getWidth();
        for (int i = 0; i < takes.size(); i++) {
            Take t = takes.get(i);
            int y = i * LANE;
            g.setColor(i == selected ? new Color(70, 110, 190) : i % 2 == 0 ? bg.darker() : bg);
            g.fillRect(0, y, w, LANE - 1);
            int a = Math.max(0, view.toX(t.start())), b = Math.min(w, view.toX(t.end()));
            g.setColor(new Color(230, 160, 60, 60));
            g.fillRect(a, y, Math.max(1, b - a), LANE - 1);
            if (spectrogram && b > a) {
                String key = a + "|" + b + "|" + view.viewStart() + "|" + view.viewSeconds();
                if (!key.equals(pictureKeys.get(t))) {
                    pictures.put(t, Spectrogram.image(t.stereo(), t.rate(), view.toSeconds(a), view.toSeconds(b), b - a, LANE - 1));
                    pictureKeys.put(t, key);
                }
                g.drawImage(pictures.get(t), a, y, null);
                label(g, (comped.contains(t) ? "✓ " : "") + t.label(), y, i == selected ? new Color(70, 110, 190) : bg.darker(), fg);
                continue;
            }
            g.setColor(comped.contains(t) ? new Color(250, 200, 90) : new Color(90, 200, 140));
            g.setStroke(new BasicStroke(1));
            PeakCache p = peaks.get(i);
            int mid = y + LANE / 2, amp = LANE / 2 - 3;
            for (int x = a; x < b; x++) {
                long fa = (long) (view.toSeconds(x) * p.sampleRate()), fb = (long) (view.toSeconds(x + 1) * p.sampleRate());
                if (fa >= p.frames() || fa < 0) continue;
                float[] mm = p.range(fa, Math.max(fa + 1, fb));
                g.drawLine(x, mid - Math.round(mm[1] * amp), x, mid - Math.round(mm[0] * amp));
            }
            String label = (comped.contains(t) ? "✓ " : "") + t.label() + (i == selected && original ? "  (A: " + I18n.t("takes.original") + ")" : "");
            label(g, label, y, i == selected ? new Color(70, 110, 190) : bg.darker(), fg);
        }
        g.dispose();
    }
}
