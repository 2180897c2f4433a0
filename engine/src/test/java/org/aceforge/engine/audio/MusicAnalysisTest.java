package org.aceforge.engine.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MusicAnalysisTest {
    static final int RATE = 48000;

    /** Decaying clicks at the given tempo with an accent on the first beat of each bar. */
    static float[] clicks(double bpm, int beatsPerBar, double seconds) {
        int n = (int) (seconds * RATE);
        float[] x = new float[2 * n];
        double beat = 60.0 / bpm;
        for (int k = 0; k * beat < seconds; k++) {
            int start = (int) (k * beat * RATE);
            float amp = k % beatsPerBar == 0 ? 0.9f : 0.35f;
            for (int i = 0; i < 2400 && start + i < n; i++) {
                float v = (float) (amp * Math.exp(-i / 300.0) * Math.sin(2 * Math.PI * 1500 * i / RATE));
                x[2 * (start + i)] += v;
                x[2 * (start + i) + 1] += v;
            }
        }
        return x;
    }

    /** Sustained triads of a key's I–IV–V–I. */
    static float[] cadence(int[][] chords, double seconds) {
        int n = (int) (seconds * RATE), per = n / chords.length;
        float[] x = new float[2 * n];
        for (int c = 0; c < chords.length; c++)
            for (int i = 0; i < per; i++)
                for (int midi : chords[c]) {
                    double f = 440 * Math.pow(2, (midi - 69) / 12.0);
                    float v = (float) (0.15 * Math.sin(2 * Math.PI * f * i / RATE));
                    x[2 * (c * per + i)] += v;
                    x[2 * (c * per + i) + 1] += v;
                }
        return x;
    }

    @Test
    void tempoOfAClickTrack() {
        for (double bpm : new double[]{90, 120, 140}) {
            Integer est = MusicAnalysis.estimate(clicks(bpm, 4, 20), RATE).bpm();
            assertEquals(bpm, est, 2, "tempo " + bpm);
        }
    }

    @Test
    void threeVersusFour() {
        assertEquals("3", MusicAnalysis.estimate(clicks(120, 3, 24), RATE).timeSignature());
        assertEquals("4", MusicAnalysis.estimate(clicks(120, 4, 24), RATE).timeSignature());
    }

    @Test
    void keyOfACadence() {
        int[][] cMajor = {{60, 64, 67}, {65, 69, 72}, {67, 71, 74}, {60, 64, 67}};
        assertEquals("C major", MusicAnalysis.estimate(cadence(cMajor, 12), RATE).key());
        int[][] aMinor = {{57, 60, 64}, {62, 65, 69}, {64, 68, 71}, {57, 60, 64}};
        assertEquals("A minor", MusicAnalysis.estimate(cadence(aMinor, 12), RATE).key());
    }

    @Test
    void silenceAndTinyClipsGiveNoEstimate() {
        MusicAnalysis.Estimate e = MusicAnalysis.estimate(new float[2 * 1000], RATE);
        assertNull(e.bpm());
        assertNull(e.key());
    }
}
