package org.aceforge.ui.studio;

import javax.swing.JComponent;
import javax.swing.UIManager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A live plot of a training run's loss: each step's loss as a faint line, its running mean (the last 20 steps) as a
 * strong one, on a scale fitted to what has been seen. EDT only.
 */
final class LossPlot extends JComponent {
    private final List<Double> losses = new ArrayList<>();

    LossPlot() {
        setName("lossPlot");
        setPreferredSize(new Dimension(520, 180));
    }

    /** EDT. One more step's loss. */
    void add(double loss) {
        if (Double.isFinite(loss)) losses.add(loss);
        repaint();
    }

    void clear() {
        losses.clear();
        repaint();
    }

    int points() { return losses.size(); }

    /** The mean of the last {@code n} losses ending at step i. */
    double runningMean(int i, int n) {
        double s = 0;
        int from = Math.max(0, i - n + 1);
        for (int k = from; k <= i; k++) s += losses.get(k);
        return s / (i - from + 1);
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0.create();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color bg = UIManager.getColor("Panel.background"), fg = UIManager.getColor("Label.foreground");
        g.setColor(bg == null ? Color.DARK_GRAY : bg.darker());
        g.fillRect(0, 0, getWidth(), getHeight());
        g.setColor(fg == null ? Color.LIGHT_GRAY : fg);
        int left = 48, right = getWidth() - 8, top = 8, bottom = getHeight() - 18;
        if (losses.isEmpty()) {
            g.drawString(I18n.t("train.noLossYet"), left, getHeight() / 2);
            g.dispose();
            return;
        }
        double lo = losses.stream().mapToDouble(Double::doubleValue).min().orElse(0), hi = losses.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (hi - lo < 1e-9) { hi = lo + 1; }
        g.drawString(String.format(Locale.ROOT, "%.3f", hi), 2, top + 10);
        g.drawString(String.format(Locale.ROOT, "%.3f", lo), 2, bottom);
        g.drawString(String.format(Locale.ROOT, "%d", losses.size()), right - 40, getHeight() - 4);
        int n = losses.size();
        Path2D raw = new Path2D.Double(), mean = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double x = left + (right - left) * (n == 1 ? 0.5 : i / (double) (n - 1));
            double y = bottom - (bottom - top) * (losses.get(i) - lo) / (hi - lo);
            double ym = bottom - (bottom - top) * (runningMean(i, 20) - lo) / (hi - lo);
            if (i == 0) { raw.moveTo(x, y); mean.moveTo(x, ym); } else { raw.lineTo(x, y); mean.lineTo(x, ym); }
        }
        Color accent = UIManager.getColor("Component.accentColor");
        if (accent == null) accent = new Color(0x4A, 0x9E, 0xFF);
        g.setColor(new Color(accent.getRed(), accent.getGreen(), accent.getBlue(), 90));
        g.draw(raw);
        g.setColor(accent);
        g.setStroke(new BasicStroke(2f));
        g.draw(mean);
        g.dispose();
    }
}
