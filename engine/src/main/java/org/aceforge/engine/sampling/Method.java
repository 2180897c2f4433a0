package org.aceforge.engine.sampling;

import java.util.Locale;

/** How the flow sampler steps: deterministic Euler (ODE) or re-noised per step (SDE, one generator per variant). */
public enum Method {
    ODE, SDE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method of a name as users type it; null when there is none such. */
    public static Method parse(String s) {
        for (Method m : values()) if (m.key().equals(s)) return m;
        return null;
    }

    @Override
    public String toString() {
        return key();
    }
}
