package org.aceforge.engine.tasks;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;

import java.util.Locale;

/** How strictly a repaint keeps the source around its regions (spec §3 "repaint modes"). */
public enum RepaintMode {
    /** The source is injected for all steps, long crossfades, spliced back. */
    CONSERVATIVE,
    /** Injection and crossfades scale with 1 − strength (the default). */
    BALANCED,
    /** No injection, no splice: the whole result is the model's. */
    AGGRESSIVE;

    /**
     * The values a mode runs with at a strength.
     *
     * @param injectionRatio  fraction of the steps after which frames outside the regions are reset to the source
     * @param latentCrossfade latent frames blended at each region edge after sampling
     * @param wavCrossfade    seconds faded at each region edge when splicing
     * @param splice          whether the result is spliced into the source (else the whole decode is kept)
     */
    public record Profile(double injectionRatio, int latentCrossfade, double wavCrossfade, boolean splice) {}

    public Profile profile(double strength) {
        return switch (this) {
            case CONSERVATIVE -> new Profile(1.0, 25, 0.05, true);
            case AGGRESSIVE -> new Profile(0, 0, 0, false);
            // Python's round(): half to even (25 · 0.5 = 12.5 → 12), hence rint, not Math.round.
            case BALANCED -> new Profile(1 - strength, (int) Math.rint(25 * (1 - strength)), 0.05 * (1 - strength), true);
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RepaintMode parse(String name) {
        for (RepaintMode m : values()) if (m.key().equals(name)) return m;
        throw new BadRequestException(RequestField.REPAINT_MODE, name + " is unknown: use conservative, balanced or aggressive");
    }

    @Override
    public String toString() {
        return key();
    }
}
