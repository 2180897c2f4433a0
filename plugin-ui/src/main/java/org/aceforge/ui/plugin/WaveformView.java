package org.aceforge.ui.plugin;

import javax.swing.JComponent;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.function.BiConsumer;

/**
 * The captured audio as a min/max peak overview over timeline seconds, with a region picked by dragging.
 * EDT only.
 */
public final class WaveformView extends JComponent {
    private float[] mins = new float[0], maxs = new float[0];
    private double startSeconds, lengthSeconds;
    private double regionStart = -1, regionEnd = -1;
    private BiConsumer<Double, Double> onRegion = (a, b) -> {};

    public WaveformView() {
        setPreferredSize(new Dimension(640, 110));
        MouseAdapter m = new MouseAdapter() {
            double anchor;

            @Override
            public void mousePressed(MouseEvent e) {
                anchor = toSeconds(e.getX());
                setRegion(anchor, anchor);
            }

            @Override
            public void mouseDragged(MouseEvent e) {
                double t = toSeconds(e.getX());
                setRegion(Math.min(anchor, t), Math.max(anchor, t));
            }

            @Override
            public void mouseReleased(MouseEvent e) {
                if (regionEnd - regionStart > 0.05) onRegion.accept(regionStart, regionEnd);
            }
        };
        addMouseListener(m);
        addMouseMotionListener(m);
    }

    public void onRegion(BiConsumer<Double, Double> listener) {
        onRegion = listener;
    }

    /** Peaks of interleaved stereo audio starting at {@code startSeconds} on the timeline. */
    public void setAudio(float[] interleaved, double startSeconds, double sampleRate) {
        int width = Math.max(100, getWidth() > 0 ? getWidth() : 640);
        int frames = interleaved.length / 2;
        mins = new float[width];
        maxs = new float[width];
        for (int x = 0; x < width && frames > 0; x++) {
            int a = (int) ((long) x * frames / width), b = (int) Math.max(a + 1, (long) (x + 1) * frames / width);
            float lo = 0, hi = 0;
            for (int i = a; i < b && i < frames; i++) {
                float v = 0.5f * (interleaved[2 * i] + interleaved[2 * i + 1]);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            mins[x] = lo;
            maxs[x] = hi;
        }
        this.startSeconds = startSeconds;
        this.lengthSeconds = frames / sampleRate;
        repaint();
    }

    public void setRegion(double start, double end) {
        regionStart = start;
        regionEnd = end;
        repaint();
    }

    double toSeconds(int x) {
        double f = Math.max(0, Math.min(1, (double) x / Math.max(1, getWidth())));
        return startSeconds + f * lengthSeconds;
    }

    int toX(double seconds) {
        return (int) Math.round((seconds - startSeconds) / Math.max(1e-9, lengthSeconds) * getWidth());
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0;
        int w = getWidth(), h = getHeight(), mid = h / 2;
        g.setColor(getBackground() != null ? getBackground().darker() : Color.DARK_GRAY);
        g.fillRect(0, 0, w, h);
        if (regionEnd > regionStart && lengthSeconds > 0) {
            g.setColor(new Color(80, 140, 255, 90));
            int a = toX(regionStart), b = toX(regionEnd);
            g.fillRect(a, 0, Math.max(1, b - a), h);
        }
        g.setColor(new Color(90, 200, 140));
        for (int x = 0; x < Math.min(w, mins.length); x++)
            g.drawLine(x, mid - Math.round(maxs[x] * mid), x, mid - Math.round(mins[x] * mid));
        if (mins.length == 0 || lengthSeconds == 0) {
            g.setColor(Color.LIGHT_GRAY);
            g.drawString("Nothing captured yet: play the host transport to capture this track.", 10, mid);
        }
    }
}
