package org.aceforge.engine.timeline;

/**
 * A time range [start, end) in seconds on a source's own timeline: the one region type from the studio's selection
 * through the request to the splice. A start below 0 or an end past the source's end extends the audio (outpainting);
 * an end of {@link #SOURCE_END} means "to the end of the source". {@link #resolved} is the one place both are settled:
 * a region wholly beyond the source's end is widened back to that end, and one wholly before its start forward to
 * it, so outpainting always continues the source instead of leaving a gap of silence.
 */
public record Region(double start, double end) {
    /** The end value that stands for the source's own end. */
    public static final double SOURCE_END = -1;

    /** The region between two times in either order (a drag may go right to left). */
    public static Region between(double a, double b) {
        return new Region(Math.min(a, b), Math.max(a, b));
    }

    /** Whether the end is still "the end of the source". */
    public boolean toSourceEnd() {
        return end == SOURCE_END;
    }

    /** The region as rendered: {@link #SOURCE_END} replaced by the source's length, gaps to the source closed. */
    public Region resolved(double sourceSeconds) {
        double s = start, e = toSourceEnd() ? sourceSeconds : end;
        if (s > sourceSeconds) s = sourceSeconds;   // outpainting after a gap: the gap is generated too
        if (e < 0) e = 0;                           // likewise before the start
        return s == start && e == end ? this : new Region(s, e);
    }

    public double length() {
        return end - start;
    }

    public boolean contains(double t) {
        return t >= start && t < end;
    }
}
