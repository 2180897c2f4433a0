package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Self-attention in query slices equals it in one piece: several slices, a last slice cut short, slices past the end
 * (the last query again, dropped), slices of one query, and sequences no longer than the smallest slice (the If's
 * one-call branch), with and without the sliding-window mask. Small slices stand in for the real minimum so every
 * path runs at test sizes.
 */
class ChunkedAttentionTest {
    private static final Attr[] GQA = {Attr.i("q_num_heads", 4), Attr.i("kv_num_heads", 2), Attr.f("scale", 0.4), Attr.i("is_causal", 0)};

    @Test
    void slicesAgreeWithOnePiece() throws Exception {
        // (length, smallest slice): 13 in eight slices of 2 (the last short and one past the end), 5 in two of 3 and six
        // past the end, 3 in three slices of one query, and, in one call (the minimum covers them) as every song up to
        // 80 s runs, 1 and 20 tokens.
        long[][] cases = {{13, 2}, {5, 3}, {3, 1}, {1, 2}, {20, 1024}};
        for (long[] c : cases) for (boolean masked : new boolean[]{false, true}) {
            int s = (int) c[0];
            float[] whole = run(s, masked, 0), sliced = run(s, masked, c[1]);
            assertEquals(whole.length, sliced.length);
            assertArrayEquals(whole, sliced, 1e-6f, "length " + s + ", slices of at least " + c[1] + (masked ? ", masked" : ""));
        }
    }

    /**
     * The sliding window's slices (each against only the keys its window reaches) equal one masked call: windows wider
     * and narrower than a slice, a window reaching past both ends, slices past the end, one-query slices, and the If's
     * one-call branch.
     */
    @Test
    void windowSlicesAgreeWithOneMaskedCall() throws Exception {
        // (length, window, smallest slice): 40 in sixteen slices of 3 (the last short, several past the end) with a
        // window of 2 and of 7; 100 in slices of 7 with a window of 5; 17 in slices of one query; 6 with a window
        // wider than the sequence; and 30 tokens under the one-call length.
        long[][] cases = {{40, 2, 3}, {40, 7, 3}, {100, 5, 1}, {17, 3, 1}, {6, 9, 1}, {30, 4, 0}};
        for (long[] c : cases) {
            int s = (int) c[0], window = (int) c[1];
            float[] whole = runWindow(s, window, -1, 0), sliced = runWindow(s, window, c[2] == 0 ? 64 : 0, Math.max(1, c[2]));
            assertArrayEquals(whole, sliced, 1e-6f, "length " + s + ", window " + window + ", slices of at least " + c[2]);
        }
    }

    /** Masked attention over s tokens in one call (oneCallUpTo −1) or through windowedAttention. */
    private static float[] runWindow(int s, int window, long oneCallUpTo, long minChunk) throws Exception {
        OnnxGraph g = new OnnxGraph("windowed");
        V q = g.input("q", DType.F32, 1L, "s", 12L);
        V k = g.input("k", DType.F32, 1L, "s", 6L);
        V v = g.input("v", DType.F32, 1L, "s", 6L);
        V mask = Transformer.slidingMask(g, q, window);
        V out = oneCallUpTo < 0 ? g.op("Attention", GQA, q, k, v, mask)
                : Transformer.windowedAttention(g, GQA, q, k, v, mask, window, oneCallUpTo, minChunk);
        g.output(out, "y", DType.F32, 1L, "s", 12L);
        Random r = new Random(s * 31L + window);
        return GraphRunner.run(g, Map.of("q", random("q", r, s, 12), "k", random("k", r, s, 6), "v", random("v", r, s, 6))).get("y").toFloats();
    }

    /** Attention over s random tokens, in one piece (minChunk 0) or sliced. */
    private static float[] run(int s, boolean masked, long minChunk) throws Exception {
        OnnxGraph g = new OnnxGraph("chunked");
        V q = g.input("q", DType.F32, 1L, "s", 12L);
        V k = g.input("k", DType.F32, 1L, "s", 6L);
        V v = g.input("v", DType.F32, 1L, "s", 6L);
        V mask = masked ? Transformer.slidingMask(g, q, 2) : null;
        V out = minChunk == 0 ? (mask == null ? g.op("Attention", GQA, q, k, v) : g.op("Attention", GQA, q, k, v, mask))
                : Transformer.chunkedAttention(g, GQA, q, k, v, mask, minChunk);
        g.output(out, "y", DType.F32, 1L, "s", 12L);
        Random r = new Random(s);
        return GraphRunner.run(g, Map.of("q", random("q", r, s, 12), "k", random("k", r, s, 6), "v", random("v", r, s, 6))).get("y").toFloats();
    }

    private static TensorData random(String name, Random r, int s, int width) {
        float[] x = new float[s * width];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return TensorData.ofFloats(name, x, 1, s, width);
    }
}
