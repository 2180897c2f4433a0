package org.aceforge.engine.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Timestep schedules of the flow-matching samplers (t = 1 noise, t = 0 clean).
 * Turbo: fixed 8-step tables for shift 1/2/3 (shift rounded to the nearest), or custom timesteps snapped to the 20
 * values those tables contain. Base/SFT: linspace(1, 0, N+1) with t' = s·t/(1 + (s−1)·t).
 */
public final class Schedules {
    public static final int TURBO_STEPS = 8;

    private Schedules() {}

    /** t' = s·t / (1 + (s−1)·t). */
    public static double shift(double t, double s) {
        return s * t / (1 + (s - 1) * t);
    }

    /** The 8 model evaluations of the turbo table for shift 1, 2 or 3. */
    public static double[] turboTable(int shift) {
        double[] t = new double[TURBO_STEPS];
        for (int i = 0; i < TURBO_STEPS; i++) t[i] = shift(1 - (double) i / TURBO_STEPS, shift);
        return t;
    }

    /** Nearest of {1, 2, 3}. */
    public static int turboShift(double shift) {
        int best = 1;
        for (int s = 2; s <= 3; s++) if (Math.abs(shift - s) < Math.abs(shift - best)) best = s;
        return best;
    }

    /** The 20 distinct values of the three turbo tables, descending. */
    public static double[] turboValidTimesteps() {
        List<Double> all = new ArrayList<>();
        for (int s = 1; s <= 3; s++) for (double v : turboTable(s)) {
            boolean dup = false;
            for (double a : all) if (Math.abs(a - v) < 1e-9) dup = true;
            if (!dup) all.add(v);
        }
        return all.stream().mapToDouble(Double::doubleValue).boxed().sorted((a, b) -> Double.compare(b, a)).mapToDouble(Double::doubleValue).toArray();
    }

    /** Custom turbo timesteps: trailing zeros removed, 1–20 values, each snapped to the nearest valid value. */
    public static double[] snapTurbo(double[] custom) {
        int n = custom.length;
        while (n > 0 && custom[n - 1] == 0) n--;
        if (n == 0 || n > 20) throw new IllegalArgumentException("custom timesteps: give 1 to 20 values in (0, 1] (got " + n + ")");
        double[] valid = turboValidTimesteps();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double t = custom[i];
            if (!(t > 0 && t <= 1)) throw new IllegalArgumentException("custom timesteps must lie in (0, 1]; got " + t);
            double best = valid[0];
            for (double v : valid) if (Math.abs(v - t) < Math.abs(best - t)) best = v;
            out[i] = best;
        }
        return out;
    }

    /** Turbo schedule: the table for the nearest shift, or snapped custom values. */
    public static double[] turbo(double shift, double[] custom) {
        return custom != null ? snapTurbo(custom) : turboTable(turboShift(shift));
    }

    /** Base/SFT: N+1 values from 1 to 0, shifted when s ≠ 1. */
    public static double[] base(int steps, double shift) {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1");
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            double v = 1.0 - (double) i / steps;
            t[i] = shift != 1.0 ? shift(v, shift) : v;
        }
        return t;
    }

    public static String format(double[] t) {
        return Arrays.toString(Arrays.stream(t).map(v -> Math.round(v * 1e5) / 1e5).toArray());
    }
}
