package org.aceforge.ui.studio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The working audio and the takes comped into it. Auditioning a take "in context" plays the working audio with the
 * take's span replaced; comping writes that replacement into the working audio (undoable, exactly: the replaced
 * samples are kept). Each span (region) keeps its own chosen take. At both edges of a span the take is faded in and
 * out over {@link #FADE_SECONDS} (inside the span) so the joins do not click; outside a span nothing changes.
 * No Swing; not thread-safe (the window calls it on the EDT).
 */
public final class Comping {
    /** The crossfade at each edge of a replaced span. */
    public static final double FADE_SECONDS = 0.010;
    private final int rate;
    private float[] working;
    private final Map<String, Take> chosen = new LinkedHashMap<>();

    /** What to play: interleaved stereo and the frames [from, to) to loop. */
    public record Audition(float[] stereo, int rate, int from, int to) {}

    /** One comp, undoable: the span's samples before and after, and the choice it replaced. */
    public final class Change {
        private final Take take, before;
        private final int from;
        private final float[] old, fresh;

        private Change(Take take, Take before, int from, float[] old, float[] fresh) {
            this.take = take;
            this.before = before;
            this.from = from;
            this.old = old;
            this.fresh = fresh;
        }

        public void undo() {
            System.arraycopy(old, 0, working, 2 * from, old.length);
            if (before == null) chosen.remove(take.spanKey());
            else chosen.put(take.spanKey(), before);
        }

        public void redo() {
            System.arraycopy(fresh, 0, working, 2 * from, fresh.length);
            chosen.put(take.spanKey(), take);
        }

        public Take take() { return take; }
    }

    public Comping(float[] source, int rate) {
        this.working = source.clone();
        this.rate = rate;
    }

    public int rate() { return rate; }

    /** The working audio (the source with every comp so far); do not modify. */
    public float[] working() { return working; }

    /** The take chosen for each span, in the order they were first comped. */
    public Map<String, Take> chosen() { return Map.copyOf(chosen); }

    /** The working audio with {@code t}'s span replaced, looping from {@code preRoll} seconds before the span to its end. */
    public Audition audition(Take t, double preRoll) {
        float[] mix = extendedWorking(t.frames());
        replace(mix, t);
        return new Audition(mix, rate, loopStart(t, preRoll), t.endFrame());
    }

    /** The working audio over the same loop as {@link #audition}: the A of an A/B against the take. */
    public Audition original(Take t, double preRoll) {
        return new Audition(working, rate, loopStart(t, preRoll), Math.min(t.endFrame(), working.length / 2));
    }

    /** Writes {@code t}'s span into the working audio and returns the change (for the undo history). */
    public Change comp(Take t) {
        float[] next = extendedWorking(t.frames());
        int from = t.startFrame(), to = t.endFrame();
        float[] old = new float[2 * (to - from)];
        System.arraycopy(next, 2 * from, old, 0, old.length);
        replace(next, t);
        float[] fresh = new float[old.length];
        System.arraycopy(next, 2 * from, fresh, 0, fresh.length);
        working = next;
        Change c = new Change(t, chosen.get(t.spanKey()), from, old, fresh);
        chosen.put(t.spanKey(), t);
        return c;
    }

    private int loopStart(Take t, double preRoll) {
        return Math.max(0, t.startFrame() - (int) Math.round(Math.max(0, preRoll) * rate));
    }

    /** A copy of the working audio at least {@code frames} long (a take that extends the song lengthens it, silent). */
    private float[] extendedWorking(int frames) {
        float[] out = new float[Math.max(working.length, 2 * frames)];
        System.arraycopy(working, 0, out, 0, working.length);
        return out;
    }

    /** mix[span] = take[span], faded in and out over the first and last FADE frames of the span. */
    private void replace(float[] mix, Take t) {
        int from = t.startFrame(), to = t.endFrame(), n = to - from;
        int fade = Math.min((int) Math.round(FADE_SECONDS * rate), n / 4);
        for (int f = from; f < to; f++) {
            int i = f - from;
            double w = fade == 0 ? 1 : Math.min(1.0, Math.min(i + 0.5, n - i - 0.5) / fade);
            for (int c = 0; c < 2; c++) {
                int k = 2 * f + c;
                mix[k] = (float) (w * t.stereo()[k] + (1 - w) * mix[k]);
            }
        }
    }
}
