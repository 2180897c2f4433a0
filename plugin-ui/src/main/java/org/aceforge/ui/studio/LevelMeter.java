package org.aceforge.ui.studio;

import javax.swing.JComponent;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;

/**
 * A stereo peak meter for what the studio is playing: the peak of the 50 ms before the playhead, per channel, on a
 * −60…0 dBFS scale (red above −1 dBFS). EDT only.
 */
public final class LevelMeter extends JComponent {
    static final double WINDOW_SECONDS = 0.050, FLOOR_DB = -60;
    private final double[] db = {FLOOR_DB, FLOOR_DB};

    public LevelMeter() {
        setName("meter");
        setPreferredSize(new Dimension(90, 14));
    }

    /** The level at {@code seconds} of {@code stereo} (null: silence, playing stopped). */
    public void show(float[] stereo, int rate, double seconds) {
        double[] v = stereo == null ? new double[]{FLOOR_DB, FLOOR_DB} : peakDb(stereo, rate, seconds);
        db[0] = v[0];
        db[1] = v[1];
        repaint();
    }

    /** Peak per channel in dBFS over the window before {@code seconds}, floored at −60. */
    static double[] peakDb(float[] stereo, int rate, double seconds) {
        int end = Math.min(stereo.length / 2, (int) Math.round(seconds * rate));
        int start = Math.max(0, end - (int) Math.round(WINDOW_SECONDS * rate));
        float[] peak = new float[2];
        for (int f = start; f < end; f++)
            for (int c = 0; c < 2; c++) peak[c] = Math.max(peak[c], Math.abs(stereo[2 * f + c]));
        double[] out = new double[2];
        for (int c = 0; c < 2; c++) out[c] = peak[c] <= 0 ? FLOOR_DB : Math.max(FLOOR_DB, 20 * Math.log10(peak[c]));
        return out;
    }

    /** The levels shown, dBFS (left, right). */
    public double[] levels() { return db.clone(); }

    @Override
    protected void paintComponent(Graphics g) {
        int w = getWidth(), h = getHeight(), bar = Math.max(2, (h - 2) / 2);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, w, h);
        for (int c = 0; c < 2; c++) {
            int len = (int) Math.round((db[c] - FLOOR_DB) / -FLOOR_DB * w);
            g.setColor(db[c] > -1 ? new Color(230, 70, 60) : db[c] > -12 ? new Color(230, 200, 70) : new Color(90, 200, 140));
            g.fillRect(0, 1 + c * (bar + 1), len, bar);
        }
    }
}
