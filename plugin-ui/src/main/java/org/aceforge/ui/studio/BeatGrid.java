package org.aceforge.ui.studio;

/**
 * Bars and beats from a tempo (the form's BPM, the analysed estimate, or the host's tempo in the plugin), bar 1 at
 * 0 s: where grid lines go and where region edges snap. No Swing.
 */
public record BeatGrid(double bpm, int beatsPerBar) {
    public BeatGrid {
        if (!(bpm > 0)) throw new IllegalArgumentException("bpm must be positive");
        if (beatsPerBar < 1) throw new IllegalArgumentException("beats per bar must be at least 1");
    }

    public double beatSeconds() {
        return 60.0 / bpm;
    }

    public double barSeconds() {
        return beatSeconds() * beatsPerBar;
    }

    /** The beat nearest to {@code seconds} (never before 0). */
    public double snap(double seconds) {
        double b = beatSeconds();
        return Math.max(0, Math.round(seconds / b) * b);
    }

    /** Whether {@code seconds} falls on a bar line (within a microsecond). */
    public boolean isBar(double seconds) {
        double bars = seconds / barSeconds();
        return Math.abs(bars - Math.round(bars)) * barSeconds() < 1e-6;
    }
}
