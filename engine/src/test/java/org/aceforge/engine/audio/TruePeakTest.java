package org.aceforge.engine.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** True peak against sines whose crest falls between samples (the classic fs/4 case at 45° phase). */
class TruePeakTest {
    @Test
    void findsThePeakBetweenSamples() {
        int n = 4800;
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) x[2 * i] = x[2 * i + 1] = (float) (0.5 * Math.sin(2 * Math.PI * 12000 * i / 48000.0 + Math.PI / 4));
        assertEquals(0.5 * Math.sqrt(0.5), TruePeak.samplePeak(x, 2, 0, n), 1e-6, "samples miss the crest by 3 dB");
        assertEquals(0.5, TruePeak.of(x, 2, 0, n), 0.01, "the true peak is the sine's amplitude");
        float[] low = new float[2 * n];
        for (int i = 0; i < n; i++) low[2 * i] = low[2 * i + 1] = (float) (0.8 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        assertEquals(0.8, TruePeak.of(low, 2, 0, n), 1e-3);
        assertTrue(TruePeak.of(low, 2, 0, n) >= TruePeak.samplePeak(low, 2, 0, n));
    }
}
