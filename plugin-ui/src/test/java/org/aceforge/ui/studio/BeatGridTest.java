package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BeatGridTest {
    @Test
    void snapsToTheNearestBeatAndKnowsBars() {
        BeatGrid g = new BeatGrid(90, 3);   // a beat every 2/3 s, a bar every 2 s
        assertEquals(2.0 / 3, g.snap(0.5), 1e-12);
        assertEquals(0, g.snap(-1), 0);
        assertEquals(4.0, g.snap(4.1), 1e-12);
        assertTrue(g.isBar(4.0));
        assertFalse(g.isBar(4.0 + 2.0 / 3));
        assertThrows(IllegalArgumentException.class, () -> new BeatGrid(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new BeatGrid(120, 0));
    }
}
