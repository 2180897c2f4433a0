package org.aceforge.engine.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.aceforge.engine.sampling.Condition;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.tensors.Tensor3;

/**
 * Auto-LRC (spec §4.9): when each lyric line is sung, from the DiT's cross-attention. The final latent is re-noised
 * to t = 1/steps (fixed seed 42) and run once through the DiT with the lyric-following heads' scores; each head's
 * [frames × lyric tokens] map is denoised by "bidirectional consensus" (softmax over frames × softmax over tokens,
 * minus twice the row median, ReLU, minus twice the column median, ReLU, squared, z-scored), the heads are averaged,
 * and a monotone dynamic-time-warping path assigns each token its first frame. Lines start at their first token.
 */
public final class LyricTimestamps {
    public static final long RENOISE_SEED = 42;

    private LyricTimestamps() {}

    /** A timed lyric line; confidence is the mean consensus score along its tokens (z-score units). */
    public record Line(double seconds, String text, double confidence) {}

    /** Token × frame consensus of the heads' maps [frames][condition length], restricted to columns [from, to). */
    public static double[][] consensus(List<float[][]> maps, int from, int to) {
        int n = to - from, frames = maps.get(0).length;
        double[][] sum = new double[n][frames];
        for (float[][] s : maps) {
            double[][] m = new double[n][frames];
            double[][] overFrames = softmax(s, from, to, true), overTokens = softmax(s, from, to, false);
            for (int j = 0; j < n; j++) for (int t = 0; t < frames; t++) m[j][t] = overFrames[j][t] * overTokens[j][t];
            for (int j = 0; j < n; j++) {
                double med = median(m[j]);
                for (int t = 0; t < frames; t++) m[j][t] = Math.max(0, m[j][t] - 2 * med);
            }
            double[] col = new double[n];
            for (int t = 0; t < frames; t++) {
                for (int j = 0; j < n; j++) col[j] = m[j][t];
                double med = median(col);
                for (int j = 0; j < n; j++) m[j][t] = Math.max(0, m[j][t] - 2 * med);
            }
            double mean = 0, sq = 0;
            for (double[] r : m) for (int t = 0; t < frames; t++) { r[t] *= r[t]; mean += r[t]; }
            mean /= (double) n * frames;
            for (double[] r : m) for (double v : r) sq += (v - mean) * (v - mean);
            double std = Math.sqrt(sq / ((double) n * frames));
            for (int j = 0; j < n; j++)
                for (int t = 0; t < frames; t++) sum[j][t] += std > 0 ? (m[j][t] - mean) / std : 0;
        }
        for (double[] r : sum) for (int t = 0; t < frames; t++) r[t] /= maps.size();
        return sum;
    }

    /** Softmax of s[frame][from + j] over frames (per token) or over tokens (per frame), as [token][frame]. */
    static double[][] softmax(float[][] s, int from, int to, boolean overFrames) {
        int n = to - from, frames = s.length;
        double[][] out = new double[n][frames];
        if (overFrames) {
            for (int j = 0; j < n; j++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (float[] row : s) max = Math.max(max, row[from + j]);
                for (int t = 0; t < frames; t++) z += out[j][t] = Math.exp(s[t][from + j] - max);
                for (int t = 0; t < frames; t++) out[j][t] /= z;
            }
        } else {
            for (int t = 0; t < frames; t++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, s[t][from + j]);
                for (int j = 0; j < n; j++) z += out[j][t] = Math.exp(s[t][from + j] - max);
                for (int j = 0; j < n; j++) out[j][t] /= z;
            }
        }
        return out;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n == 0 ? 0 : n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    /**
     * The monotone path from (first token, first frame) to (last token, last frame) with the highest total score
     * (DTW on the negated matrix; steps: next token, next frame, or both); each token's first frame on it.
     */
    public static int[] align(double[][] score) {
        int n = score.length, frames = score[0].length;
        float[][] cost = new float[n][frames];
        byte[][] from = new byte[n][frames];   // 0 diagonal, 1 from the previous token, 2 from the previous frame
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < frames; t++) {
                float c = (float) -score[i][t];
                if (i == 0 && t == 0) { cost[i][t] = c; continue; }
                float best = Float.POSITIVE_INFINITY;
                byte how = 0;
                if (i > 0 && t > 0 && cost[i - 1][t - 1] < best) { best = cost[i - 1][t - 1]; how = 0; }
                if (i > 0 && cost[i - 1][t] < best) { best = cost[i - 1][t]; how = 1; }
                if (t > 0 && cost[i][t - 1] < best) { best = cost[i][t - 1]; how = 2; }
                cost[i][t] = c + best;
                from[i][t] = how;
            }
        }
        int[] first = new int[n];
        int i = n - 1, t = frames - 1;
        first[i] = t;
        while (i > 0 || t > 0) {
            byte how = from[i][t];
            if (how == 0) { i--; t--; } else if (how == 1) i--; else t--;
            first[i] = t;   // walking back, the last assignment for a token is its first frame
        }
        return first;
    }

    /**
     * Lines of the lyrics with their start times: {@code tokenOfChar} maps a character offset of the lyrics to the
     * index of the token that holds it; structure tags ("[Verse]") and blank lines are not sung and not listed.
     */
    public static List<Line> lines(String lyrics, IntUnaryOperator tokenOfChar, int[] tokenFrame, double secondsPerFrame,
                                   double[][] score) {
        List<Line> out = new ArrayList<>();
        int offset = 0;
        String[] rows = lyrics.split("\n", -1);
        for (int r = 0; r < rows.length; r++) {
            String line = rows[r];
            int start = offset;
            offset += line.length() + 1;
            String text = line.strip();
            if (text.isEmpty() || text.matches("\\[[^\\]]*\\]")) continue;
            int lead = line.indexOf(text.charAt(0));
            int first = tokenOfChar.applyAsInt(start + lead), last = tokenOfChar.applyAsInt(start + line.length() - 1);
            first = Math.max(0, Math.min(tokenFrame.length - 1, first));
            last = Math.max(first, Math.min(tokenFrame.length - 1, last));
            double conf = 0;
            for (int k = first; k <= last; k++) conf += score[k][tokenFrame[k]];
            out.add(new Line(tokenFrame[first] * secondsPerFrame, text, conf / (last - first + 1)));
        }
        return out;
    }

    /** LRC text: "[mm:ss.xx]line" per line. */
    public static String lrc(List<Line> lines) {
        StringBuilder s = new StringBuilder();
        for (Line l : lines) {
            long cs = Math.round(l.seconds() * 100);
            s.append(String.format(Locale.ROOT, "[%02d:%02d.%02d]%s%n", cs / 6000, cs / 100 % 60, cs % 100, l.text()));
        }
        return s.toString();
    }

    /**
     * The whole auto-LRC of one rendered item: re-noise, one DiT forward with the scores, consensus over the lyric
     * tokens (they come first in the packed condition), alignment, lines. Worker threads only.
     */
    public static List<Line> compute(ModelSet m, Tensor3 latents, Condition cond, int steps, String lyricPrompt,
                                     String lyrics, double seconds) throws Exception {
        double t = 1.0 / Math.max(1, steps);
        Tensor3 noise = InitialNoise.of(new long[]{RENOISE_SEED}, latents.frames(), latents.channels());
        float[] x = new float[latents.data().length];
        for (int i = 0; i < x.length; i++) x[i] = (float) (t * noise.data()[i] + (1 - t) * latents.data()[i]);
        List<float[][]> maps = m.dit().crossScores(new Tensor3(x, 1, latents.frames(), latents.channels()), t, cond);
        long[] ids = m.text().tokenizeLyrics(lyricPrompt);
        double[][] score = consensus(maps, 0, ids.length);
        int[] frame = align(score);
        int prefix = lyricPrompt.indexOf(lyrics);
        TextEncoderModel text = m.text();
        IntUnaryOperator tokenOfChar = c -> firstTokenReaching(text, ids, prefix + c);
        return lines(lyrics, tokenOfChar, frame, seconds / maps.get(0).length, score);
    }

    /** The smallest k such that the decoded text of the first k + 1 tokens reaches past the character offset. */
    static int firstTokenReaching(TextEncoderModel text, long[] ids, int offset) {
        int lo = 0, hi = ids.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (text.decode(Arrays.copyOf(ids, mid + 1)).length() > offset) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}
