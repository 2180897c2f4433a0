package org.aceforge.engine.timeline;

import org.aceforge.engine.audio.Seconds;

import java.util.List;

/**
 * The one conversion from seconds on a source's timeline to the indexes the engine works in: sample frames (to the
 * nearest, {@link Seconds}) and latent frames (floor(seconds · rate / hop), as the reference computes them). A render's
 * timeline is its audio: for an edit, the source with silence added before and after for outpainting; for text2music,
 * its own length. The networks see it rounded up to whole latent frames.
 *
 * @param leftPad       seconds of silence before the source's start (outpainting to the left)
 * @param samples       sample frames of the audio the render returns (source + padding, not rounded up)
 * @param latentFrames  latent frames the DiT generates (samples rounded up to whole hops)
 * @param sourceSeconds the source's own length (text2music: the render's)
 */
public record Timeline(int rate, int hop, double leftPad, int samples, int latentFrames, double sourceSeconds) {
    /** Index range [start, end): sample frames or latent frames, as the method returning it says. */
    public record Span(int start, int end) {}

    /** Renders are at most this long, outpainting included. */
    public static final double MAX_SECONDS = 600;

    /** A render of {@code latentFrames} with no source (text2music). */
    public static Timeline ofLatentFrames(int latentFrames, int rate, int hop) {
        int samples = latentFrames * hop;
        return new Timeline(rate, hop, 0, samples, latentFrames, samples / (double) rate);
    }

    /**
     * The timeline of an edit of a source {@code sourceSamples} long: padded on the left and the right as far as the
     * regions reach beyond it (an end of {@link Region#SOURCE_END} is the source's end).
     *
     * @throws IllegalArgumentException when the result would be longer than 600 s or the source shorter than 1 s
     */
    public static Timeline around(int sourceSamples, List<Region> regions, int rate, int hop, String sourceName) {
        double seconds = sourceSamples / (double) rate;
        double left = 0, right = 0;
        for (Region given : regions) {
            Region r = given.resolved(seconds);
            left = Math.max(left, -r.start());
            right = Math.max(right, r.end() - seconds);
        }
        int n = sourceSamples + Seconds.toFrames(left, rate) + Seconds.toFrames(right, rate);
        if (n / (double) rate > MAX_SECONDS + 1e-9)
            throw new IllegalArgumentException(String.format("the edit would be %.1f s long; at most 600 s can be rendered", n / (double) rate));
        if (n / (double) rate < 1.0) throw new IllegalArgumentException(sourceName + ": the source is shorter than 1 s");
        int latent = (n + hop - 1) / hop;
        return new Timeline(rate, hop, left, n, latent, seconds);
    }

    /** Sample frames of silence before the source. */
    public int leftPadSamples() {
        return Seconds.toFrames(leftPad, rate);
    }

    /** Sample frames the networks see: whole latent frames. */
    public int paddedSamples() {
        return latentFrames * hop;
    }

    /** The render's length in seconds. */
    public double seconds() {
        return samples / (double) rate;
    }

    /** A region in sample frames (an end of {@link Region#SOURCE_END} resolved here, the one place) of the render's audio. */
    public Span samples(Region r) {
        r = r.resolved(sourceSeconds);
        return new Span(Seconds.toFrames(r.start() + leftPad, rate), Seconds.toFrames(r.end() + leftPad, rate));
    }

    /** A region in latent frames, from its sample frames: clamped to the render, at least one frame long. */
    public Span latent(Region r) {
        Span s = samples(r);
        int a = Math.max(0, Math.min(latentFrames - 1, latentFrame(s.start() / (double) rate)));
        int b = Math.max(a + 1, Math.min(latentFrames, latentFrame(s.end() / (double) rate)));
        return new Span(a, b);
    }

    /**
     * Sample frames from the earliest region start to the latest region end, widened by {@code handles} seconds on
     * each side and clamped to the render (region-only output).
     */
    public Span hull(List<Region> regions, double handles) {
        int h = Seconds.toFrames(handles, rate);
        int s = regions.stream().mapToInt(r -> samples(r).start()).min().orElse(0);
        int e = regions.stream().mapToInt(r -> samples(r).end()).max().orElse(samples);
        int a = Math.max(0, s - h);
        return new Span(a, Math.max(a, Math.min(samples, e + h)));
    }

    /** The latent frame of a time on the render's audio: int(seconds · rate // hop), i.e. floor(seconds · 25). */
    public int latentFrame(double seconds) {
        return (int) Math.floor(seconds * rate / hop);
    }

    /** Latent frames of a text2music duration: int(round(d, 1) · rate) // hop, as the reference computes them. */
    public static int latentFramesOf(double seconds, int rate, int hop) {
        long samples = (long) (Math.round(seconds * 10) / 10.0 * rate);
        return (int) (samples / hop);
    }
}
