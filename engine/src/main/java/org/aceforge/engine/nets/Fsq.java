package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.DType;

/**
 * Finite scalar quantisation as vector-quantize-pytorch ≥ 1.27 runs it inside ACE-Step's ResidualFSQ: soft clamp
 * u = clip(c·tanh(z/c), −1, 1) with c = 1 + 1/(L−1), level q = clamp(⌊(L−1)(u+1)/2 + 0.5⌋, 0, L−1), index
 * Σ q_d·Π_{k<d} L_k (first dimension least significant), value q/((L−1)/2) − 1.
 */
public final class Fsq {
    private Fsq() {}

    public static long[] basis(int[] levels) {
        long[] b = new long[levels.length];
        long acc = 1;
        for (int d = 0; d < levels.length; d++) { b[d] = acc; acc *= levels[d]; }
        return b;
    }

    public static long codebookSize(int[] levels) {
        long n = 1;
        for (int l : levels) n *= l;
        return n;
    }

    /** z [..., D] → levels q [..., D] as floats. */
    static V levels(OnnxGraph g, V z, int[] levels) {
        int n = levels.length;
        float[] c = new float[n], lm1 = new float[n];
        for (int d = 0; d < n; d++) { c[d] = (float) (1 + 1.0 / (levels[d] - 1)); lm1[d] = levels[d] - 1; }
        V cc = g.constant(c, n), l1 = g.constant(lm1, n);
        V u = g.op("Clip", g.mul(cc, g.tanh(g.div(z, cc))), g.scalar(-1), g.scalar(1));
        V q = g.op("Floor", g.add(g.mul(l1, g.mul(g.add(u, g.scalar(1)), g.scalar(0.5))), g.scalar(0.5)));
        return g.op("Max", g.op("Min", q, l1), g.scalar(0));
    }

    /** Levels [..., D] → index [...] int64. */
    static V index(OnnxGraph g, V q, int[] levels) {
        long[] b = basis(levels);
        float[] bf = new float[b.length];
        for (int i = 0; i < b.length; i++) bf[i] = b[i];
        V sum = g.op("ReduceSum", new org.aceforge.engine.graph.Attr[]{org.aceforge.engine.graph.Attr.i("keepdims", 0)},
                g.mul(q, g.constant(bf, b.length)), g.longs(-1));
        return g.cast(g.op("Round", sum), DType.I64);
    }

    /** Levels [..., D] → code values in [−1, 1]. */
    static V values(OnnxGraph g, V q, int[] levels) {
        float[] half = new float[levels.length];
        for (int d = 0; d < levels.length; d++) half[d] = (levels[d] - 1) / 2f;
        return g.sub(g.div(q, g.constant(half, levels.length)), g.scalar(1));
    }

    /** Index [...] int64 → levels [..., D] as floats. */
    static V levelsOfIndex(OnnxGraph g, V index, int[] levels) {
        long[] b = basis(levels);
        long[] l = new long[levels.length];
        for (int i = 0; i < l.length; i++) l[i] = levels[i];
        V idx = g.unsqueeze(index, -1);
        V q = g.op("Mod", g.div(idx, g.constantLongs(b, b.length)), g.constantLongs(l, l.length));
        return g.cast(q, DType.F32);
    }
}
