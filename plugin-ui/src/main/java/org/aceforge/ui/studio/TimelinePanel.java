package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import javax.swing.JComponent;
import javax.swing.UIManager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Cursor;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.event.MouseWheelEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The source on a timeline: waveform from a {@link PeakCache}, a ruler in seconds (and bars/beats when a BPM is
 * known), a play cursor, zoom (Ctrl+wheel) and scroll (wheel), and regions: drag to select (Shift+drag adds another
 * region), drag a region's edge to adjust it. EDT only.
 */
public final class TimelinePanel extends JComponent {
    static final int RULER = 22, HANDLE = 5;
    private PeakCache peaks;
    private double viewStart, viewSeconds = 10;
    private final List<Region> regions = new ArrayList<>();
    private double cursor = -1;
    /** Where Space starts playing (a click on the ruler sets it), or -1. */
    private double playFrom = -1;
    /** Whether the view scrolls to keep the playhead in sight. */
    private boolean follow = true;
    private Integer bpm;
    private int beatsPerBar = 4;
    private Consumer<List<Region>> onRegions = r -> {};

    private Runnable onView = () -> { };
    /** The audio itself (for the spectrogram view), its rate, and the picture of the current view. */
    private float[] audio;
    private int audioRate = 48_000;
    private boolean spectrogram;
    private java.awt.image.BufferedImage specImage;
    private String specKey = "";
    /** Region edges and moves land on beats when a tempo is known; Alt held while dragging bypasses it. */
    private boolean snap = true;

    public TimelinePanel() {
        setPreferredSize(new Dimension(900, 180));
        setMinimumSize(new Dimension(200, 110));      // the waveform stays readable when lanes and the region list grow
        setFocusable(true);
        MouseAdapter m = new MouseAdapter() {
            double anchor;
            int editing = -1;     // region index whose edge is dragged
            boolean editStart;
            boolean adding;
            int moving = -1;      // region index being moved
            boolean rulerClick;   // the gesture began on the ruler (no region change)
            double grab;          // where in that region it was grabbed (seconds from its start)

            @Override
            public void mousePressed(MouseEvent e) {
                requestFocusInWindow();
                if (peaks == null) return;
                double t = toSeconds(e.getX());
                if (e.getY() < RULER && getHeight() > 60) {          // the ruler: where playing starts
                    playFrom = Math.max(0, Math.min(peaks.seconds(), snapped(t, e)));
                    rulerClick = true;
                    repaint();
                    return;
                }
                rulerClick = false;
                for (int i = 0; i < regions.size(); i++) {
                    Region r = regions.get(i);
                    if (Math.abs(toX(r.start()) - e.getX()) <= HANDLE) { editing = i; editStart = true; return; }
                    if (Math.abs(toX(r.end()) - e.getX()) <= HANDLE) { editing = i; editStart = false; return; }
                }
                editing = -1;
                moving = -1;
                if (!e.isShiftDown()) {
                    for (int i = 0; i < regions.size(); i++) {
                        Region r = regions.get(i);
                        if (t > r.start() && t < r.end()) { moving = i; grab = t - r.start(); return; }   // drag inside: move
                    }
                }
                anchor = snapped(t, e);
                adding = e.isShiftDown();
                if (!adding) regions.clear();
                regions.add(Region.between(anchor, anchor));
                repaint();
            }

            @Override
            public void mouseDragged(MouseEvent e) {
                if (peaks == null || rulerClick) return;
                double t = Math.max(0, Math.min(peaks.seconds(), snapped(toSeconds(e.getX()), e)));
                if (moving >= 0) {
                    Region r = regions.get(moving);
                    double len = r.length();
                    double start = Math.max(0, Math.min(peaks.seconds() - len, snapped(toSeconds(e.getX()) - grab, e)));
                    regions.set(moving, Region.between(start, start + len));
                } else if (editing >= 0) {
                    Region r = regions.get(editing);
                    regions.set(editing, editStart ? Region.between(t, r.end()) : Region.between(r.start(), t));
                } else if (!regions.isEmpty()) {
                    regions.set(regions.size() - 1, Region.between(anchor, t));
                }
                repaint();
            }

            @Override
            public void mouseReleased(MouseEvent e) {
                if (peaks == null) return;
                if (rulerClick) { rulerClick = false; return; }
                regions.removeIf(r -> r.length() < 0.05);
                editing = -1;
                moving = -1;
                onRegions.accept(List.copyOf(regions));
                repaint();
            }

            @Override
            public void mouseMoved(MouseEvent e) {
                boolean edge = regions.stream().anyMatch(r -> Math.abs(toX(r.start()) - e.getX()) <= HANDLE || Math.abs(toX(r.end()) - e.getX()) <= HANDLE);
                setCursor(Cursor.getPredefinedCursor(edge ? Cursor.E_RESIZE_CURSOR : Cursor.CROSSHAIR_CURSOR));
            }

            @Override
            public void mouseWheelMoved(MouseWheelEvent e) {
                if (peaks == null) return;
                if (e.isControlDown()) zoom(e.getWheelRotation() < 0 ? 0.8 : 1.25, toSeconds(e.getX()));
                else scroll(e.getWheelRotation() * viewSeconds * 0.1);
            }
        };
        addMouseListener(m);
        addMouseMotionListener(m);
        addMouseWheelListener(m);
    }

    /** The beat grid, or null without a tempo. */
    public BeatGrid grid() {
        return bpm == null || bpm <= 0 ? null : new BeatGrid(bpm, beatsPerBar);
    }

    public void setSnap(boolean on) { snap = on; }

    /** The audio the waveform shows (the spectrogram is computed from it). */
    public void setAudio(float[] stereo, int rate) {
        audio = stereo;
        audioRate = rate;
        specKey = "";
        repaint();
    }

    /** Spectrogram view instead of the waveform. */
    public void setSpectrogram(boolean on) {
        spectrogram = on;
        repaint();
    }

    public boolean spectrogram() { return spectrogram; }

    public boolean snap() { return snap; }

    /** {@code t} on the nearest beat when snapping applies to this gesture (a tempo is known, Alt is not held). */
    double snapped(double t, MouseEvent e) {
        BeatGrid g = grid();
        return snap && g != null && !e.isAltDown() ? g.snap(t) : t;
    }

    /** New waveform for the same audio timeline (after a comp): the regions and the view stay. */
    public void replacePeaks(PeakCache p) {
        peaks = p;
        repaint();
    }

    public void setPeaks(PeakCache p) {
        peaks = p;
        regions.clear();
        viewStart = 0;
        viewSeconds = p == null ? 10 : Math.max(1, p.seconds());
        cursor = -1;
        playFrom = -1;
        repaint();
    }

    public void onRegions(Consumer<List<Region>> listener) { onRegions = listener; }

    public List<Region> regions() { return List.copyOf(regions); }

    /** Sets the regions programmatically (numeric fields, undo) without notifying. */
    public void setRegions(List<Region> rs) {
        regions.clear();
        regions.addAll(rs);
        repaint();
    }

    public void setCursor(double seconds) { cursor = seconds; repaint(); }

    /** The moving playhead; with follow on, the view pages along when it leaves the visible range. */
    public void setPlayhead(double seconds) {
        cursor = seconds;
        if (follow && peaks != null && (seconds > viewStart + viewSeconds || seconds < viewStart)) {
            viewStart = Math.max(0, Math.min(peaks.seconds() - viewSeconds, seconds - 0.1 * viewSeconds));
            onView.run();
        }
        repaint();
    }

    /** Where Space starts playing, or -1 (then: the selected region, else the start). */
    public double playFrom() { return playFrom; }

    public void setPlayFrom(double seconds) { playFrom = seconds; repaint(); }

    public void setFollow(boolean on) { follow = on; }

    public void setTempo(Integer bpm, int beatsPerBar) {
        this.bpm = bpm;
        this.beatsPerBar = beatsPerBar;
        repaint();
    }

    public void zoom(double factor, double around) {
        if (peaks == null) return;
        double newLen = Math.max(0.05, Math.min(peaks.seconds(), viewSeconds * factor));
        double f = (around - viewStart) / viewSeconds;
        viewStart = Math.max(0, Math.min(peaks.seconds() - newLen, around - f * newLen));
        viewSeconds = newLen;
        repaint();
        onView.run();
    }

    public void scroll(double seconds) {
        if (peaks == null) return;
        viewStart = Math.max(0, Math.min(peaks.seconds() - viewSeconds, viewStart + seconds));
        repaint();
        onView.run();
    }

    /** Told when the visible time range changes (zoom, scroll), so lanes aligned with it can follow. */
    public void onView(Runnable r) { onView = r; }

    public double viewStart() { return viewStart; }

    public double viewSeconds() { return viewSeconds; }

    double toSeconds(int x) { return viewStart + (double) x / Math.max(1, getWidth()) * viewSeconds; }

    int toX(double t) { return (int) Math.round((t - viewStart) / viewSeconds * getWidth()); }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0.create();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int w = getWidth(), h = getHeight();
        Color bg = UIManager.getColor("Panel.background"), fg = UIManager.getColor("Label.foreground");
        if (bg == null) bg = Color.DARK_GRAY;
        if (fg == null) fg = Color.LIGHT_GRAY;
        g.setColor(bg.darker());
        g.fillRect(0, 0, w, h);
        g.setColor(fg);
        if (peaks == null) {
            if (h > 60) g.drawString(I18n.t("timeline.empty"), 12, h / 2);
            g.dispose();
            return;
        }
        // Ruler: seconds, and bars when the tempo is known (small waveforms have none).
        int ruler = h > 60 ? RULER : 0;
        double step = niceStep(viewSeconds / Math.max(1, w / 90.0));
        for (double t = Math.ceil(viewStart / step) * step; ruler > 0 && t < viewStart + viewSeconds; t += step) {
            int x = toX(t);
            g.drawLine(x, RULER - 6, x, RULER);
            g.drawString(formatTime(t), x + 2, RULER - 8);
        }
        BeatGrid grid = grid();
        if (grid != null) {
            // Bar lines, and beat lines too when beats are at least 8 px apart.
            double beat = grid.beatSeconds();
            boolean beats = beat / viewSeconds * w >= 8;
            double line = beats ? beat : grid.barSeconds();
            long first = (long) Math.ceil(viewStart / line);
            for (long k = first; k * line < viewStart + viewSeconds; k++) {
                double t = k * line;
                boolean bar = !beats || k % grid.beatsPerBar() == 0;
                g.setColor(new Color(fg.getRed(), fg.getGreen(), fg.getBlue(), bar ? 70 : 28));
                g.drawLine(toX(t), RULER, toX(t), h);
            }
        }
        int mid = ruler + (h - ruler) / 2, amp = (h - ruler) / 2 - 2;
        for (Region r : regions) {
            int a = toX(r.start()), b = toX(r.end());
            g.setColor(new Color(80, 140, 255, 70));
            g.fillRect(a, ruler, Math.max(1, b - a), h - ruler);
            g.setColor(new Color(80, 140, 255));
            g.setStroke(new BasicStroke(2));
            g.drawLine(a, ruler, a, h);
            g.drawLine(b, ruler, b, h);
        }
        if (spectrogram && audio != null) {
            String key = viewStart + "|" + viewSeconds + "|" + w + "|" + (h - ruler) + "|" + System.identityHashCode(audio);
            if (!key.equals(specKey)) {
                specImage = Spectrogram.image(audio, audioRate, viewStart, viewStart + viewSeconds, w, h - ruler);
                specKey = key;
            }
            g.drawImage(specImage, 0, ruler, null);
            for (Region r : regions) {           // the regions' edges stay visible over the picture
                g.setColor(new Color(80, 140, 255));
                g.setStroke(new BasicStroke(2));
                g.drawLine(toX(r.start()), ruler, toX(r.start()), h);
                g.drawLine(toX(r.end()), ruler, toX(r.end()), h);
            }
        }
        g.setColor(new Color(90, 200, 140));
        g.setStroke(new BasicStroke(1));
        long frames = peaks.frames();
        for (int x = 0; !(spectrogram && audio != null) && x < w; x++) {
            long a = (long) (toSeconds(x) * peaks.sampleRate()), b = (long) (toSeconds(x + 1) * peaks.sampleRate());
            if (a >= frames) break;
            float[] mm = peaks.range(a, Math.max(a + 1, b));
            g.drawLine(x, mid - Math.round(mm[1] * amp), x, mid - Math.round(mm[0] * amp));
        }
        if (playFrom >= 0 && ruler > 0) {
            int x = toX(playFrom);
            g.setColor(Color.ORANGE);
            g.fillPolygon(new int[]{x - 5, x + 5, x}, new int[]{RULER - 8, RULER - 8, RULER}, 3);
        }
        if (cursor >= 0) {
            g.setColor(Color.ORANGE);
            g.drawLine(toX(cursor), 0, toX(cursor), h);
        }
        g.dispose();
    }

    static double niceStep(double raw) {
        double[] steps = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600};
        for (double s : steps) if (s >= raw) return s;
        return 600;
    }

    static String formatTime(double t) {
        int m = (int) (t / 60);
        double s = t - 60 * m;
        return m > 0 ? String.format("%d:%05.2f", m, s) : String.format("%.2f", s);
    }
}
