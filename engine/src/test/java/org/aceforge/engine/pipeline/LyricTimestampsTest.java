package org.aceforge.engine.pipeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Auto-LRC's pieces: DTW against brute force, a clean diagonal recovered, lines and LRC text. */
class LyricTimestampsTest {

    /** Best total score over every monotone path, by enumeration (tiny sizes). */
    static double bruteBest(double[][] s, int i, int t) {
        if (i == 0 && t == 0) return s[0][0];
        double best = Double.NEGATIVE_INFINITY;
        if (i > 0 && t > 0) best = Math.max(best, bruteBest(s, i - 1, t - 1));
        if (i > 0) best = Math.max(best, bruteBest(s, i - 1, t));
        if (t > 0) best = Math.max(best, bruteBest(s, i, t - 1));
        return s[i][t] + best;
    }

    @Test
    void dtwFindsTheBestMonotonePath() {
        Random r = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(4), frames = 1 + r.nextInt(6);
            double[][] s = new double[n][frames];
            for (double[] row : s) for (int t = 0; t < frames; t++) row[t] = r.nextGaussian();
            int[] first = LyricTimestamps.align(s);
            for (int i = 1; i < n; i++) assertTrue(first[i] >= first[i - 1], "monotone");
            assertEquals(0, first[0]);
            // The path's score equals the brute-force optimum: rebuild it from the first frames.
            double total = 0;
            for (int i = 0; i < n; i++) {
                int end = i + 1 < n ? first[i + 1] : frames - 1;
                // a token occupies frames first[i] .. (next token's first frame, or that frame − 1 on a diagonal step)
                double bestSeg = Double.NEGATIVE_INFINITY;
                for (int stop = first[i]; stop <= Math.max(first[i], end); stop++) {
                    double seg = 0;
                    for (int t = first[i]; t <= stop; t++) seg += s[i][t];
                    if (i + 1 < n && !(stop == first[i + 1] || stop == first[i + 1] - 1)) continue;
                    if (i + 1 == n && stop != frames - 1) continue;
                    bestSeg = Math.max(bestSeg, seg);
                }
                total += bestSeg;
            }
            assertEquals(bruteBest(s, n - 1, frames - 1), total, 1e-9, "trial " + trial);
        }
    }

    @Test
    void aCleanDiagonalAttentionIsRecovered() {
        int frames = 120, cond = 40, from = 5, n = 30;
        List<float[][]> maps = new ArrayList<>();
        Random r = new Random(2);
        for (int h = 0; h < 3; h++) {
            float[][] s = new float[frames][cond];
            for (int t = 0; t < frames; t++)
                for (int j = 0; j < cond; j++) {
                    double center = from + (t * n) / (double) frames;
                    s[t][j] = (float) (-0.5 * Math.pow(j - center, 2) + 0.3 * r.nextGaussian());
                }
            maps.add(s);
        }
        double[][] score = LyricTimestamps.consensus(maps, from, from + n);
        int[] first = LyricTimestamps.align(score);
        for (int j = 0; j < n; j++) {
            int expected = (int) Math.round(j * frames / (double) n);
            assertTrue(Math.abs(first[j] - expected) <= 4, "token " + j + ": frame " + first[j] + ", expected about " + expected);
        }
    }

    @Test
    void linesSkipTagsAndBlanksAndFormatAsLrc() {
        String lyrics = "[Verse]\nfirst line\n\nsecond line\n[Chorus]\nthird";
        int[] tokenFrame = new int[lyrics.length()];
        for (int k = 0; k < tokenFrame.length; k++) tokenFrame[k] = k;   // one token per character, one frame each
        double[][] score = new double[lyrics.length()][lyrics.length()];
        var lines = LyricTimestamps.lines(lyrics, c -> c, tokenFrame, 0.5, score);
        assertEquals(List.of("first line", "second line", "third"), lines.stream().map(LyricTimestamps.Line::text).toList());
        assertEquals(lyrics.indexOf("first") * 0.5, lines.get(0).seconds(), 1e-9);
        assertEquals(lyrics.indexOf("third") * 0.5, lines.get(2).seconds(), 1e-9);
        String lrc = LyricTimestamps.lrc(List.of(new LyricTimestamps.Line(62.5, "hello", 1), new LyricTimestamps.Line(3.04, "x", 0)));
        assertEquals("[01:02.50]hello" + System.lineSeparator() + "[00:03.04]x" + System.lineSeparator(), lrc);
    }
}
