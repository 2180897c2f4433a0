package org.aceforge.engine.timeline;

/**
 * A time range [start, end) in seconds on a source's own timeline: the one region type from the studio's selection
 * through the request to the splice. A start below 0 or an end past the source's end extends the audio (outpainting);
 * an end of {@link #SOURCE_END} means "to the end of the source" and is resolved once, by {@link #resolved}.
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

    /** The region with {@link #SOURCE_END} replaced by the source's length. */
    public Region resolved(double sourceSeconds) {
        return toSourceEnd() ? new Region(start, sourceSeconds) : this;
    }

    public double length() {
        return end - start;
    }

    public boolean contains(double t) {
        return t >= start && t < end;
    }
}
