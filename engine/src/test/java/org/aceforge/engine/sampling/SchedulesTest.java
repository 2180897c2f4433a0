package org.aceforge.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The spec's schedule numbers, exactly. */
class SchedulesTest {
    static void close(double[] expected, double[] got, double tol) {
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], tol, "index " + i);
    }

    @Test
    void turboTablesMatchTheSpec() {
        close(new double[]{1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125}, Schedules.turboTable(1), 1e-12);
        close(new double[]{1.0, 0.93333, 0.85714, 0.76923, 0.66667, 0.54545, 0.4, 0.22222}, Schedules.turboTable(2), 5e-6);
        close(new double[]{1.0, 0.95455, 0.9, 0.83333, 0.75, 0.64286, 0.5, 0.3}, Schedules.turboTable(3), 5e-6);
        assertEquals(0.9545454545454546, Schedules.turboTable(3)[1], 1e-15);
    }

    @Test
    void shiftFormula() {
        assertEquals(3 * 0.5 / (1 + 2 * 0.5), Schedules.shift(0.5, 3), 0);
        assertEquals(1.0, Schedules.shift(1.0, 2.7), 1e-15);
        assertEquals(0.0, Schedules.shift(0.0, 2.7), 0);
    }

    @Test
    void turboShiftSnapsToNearestOfOneTwoThree() {
        assertEquals(1, Schedules.turboShift(1.4));
        assertEquals(2, Schedules.turboShift(1.6));
        assertEquals(3, Schedules.turboShift(5.0));
        assertArrayEquals(Schedules.turboTable(2), Schedules.turbo(2.2, null));
    }

    @Test
    void twentyValidTimestepsAndSnapping() {
        double[] v = Schedules.turboValidTimesteps();
        close(new double[]{1.0, 0.954545, 0.933333, 0.9, 0.875, 0.857143, 0.833333, 0.769231, 0.75, 0.666667, 0.642857,
                0.625, 0.545455, 0.5, 0.4, 0.375, 0.3, 0.25, 0.222222, 0.125}, v, 1e-6);
        close(new double[]{1.0, 0.875, 0.4, 0.125}, Schedules.snapTurbo(new double[]{0.99, 0.88, 0.41, 0.1, 0, 0}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Schedules.snapTurbo(new double[]{0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Schedules.snapTurbo(new double[21]));
    }

    @Test
    void baseLinspaceWithShift() {
        close(new double[]{1, 0.75, 0.5, 0.25, 0}, Schedules.base(4, 1.0), 1e-15);
        double[] s = Schedules.base(6, 3.0);
        assertEquals(7, s.length);
        assertEquals(1.0, s[0], 1e-15);
        assertEquals(0.0, s[6], 1e-15);
        assertEquals(3 * (5.0 / 6) / (1 + 2 * (5.0 / 6)), s[1], 1e-15);
    }

    @Test
    void repaintBlendWeightsRampOutsideTheRegion() {
        boolean[] in = new boolean[12];
        for (int i = 4; i < 7; i++) in[i] = true;
        close(new double[]{0, 0.25, 0.5, 0.75, 1, 1, 1, 0.75, 0.5, 0.25, 0, 0}, RepaintGuide.blendWeights(in, 3), 1e-15);
    }
}
