package org.aceforge.ui.studio;

/** A selected time range in seconds on the source's timeline. */
public record Region(double start, double end) {
    public Region {
        if (end < start) { double t = start; start = end; end = t; }
    }

    public double length() { return end - start; }

    public boolean contains(double t) { return t >= start && t < end; }
}
