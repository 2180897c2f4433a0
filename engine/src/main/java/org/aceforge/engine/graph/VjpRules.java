package org.aceforge.engine.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.aceforge.engine.graph.OnnxGraph.V;

import java.util.List;
import java.util.Map;

/**
 * The vector-Jacobian product of each differentiable ONNX operator the engine's networks use: given the gradients of
 * a node's outputs, the gradients of the inputs asked for, as new nodes of the same graph. The rules hold for any batch
 * and length; a gradient flowing into a broadcast input is summed back to that input's shape ({@link #unbroadcast}),
 * over axes known before run time where {@link StaticShapes} can tell, else decided by shape nodes at run time. Every
 * rule is checked against central finite differences of a float64 plain-Java reference (GradientsTest).
 */
final class VjpRules {
    private final OnnxGraph g;

    private final StaticShapes known;

    VjpRules(OnnxGraph g) {
        this.g = g;
        this.known = new StaticShapes(g);
    }

    /** The gradients of {@code n}'s inputs (null where not needed) from its outputs' gradients (null: zero). */
    private final Map<String, V> shapes = new java.util.HashMap<>();


    V[] vjp(NodeProto n, V[] gOut, boolean[] need) {
        V[] in = new V[n.getInputCount()];
        for (int i = 0; i < in.length; i++) in[i] = n.getInput(i).isEmpty() ? null : new V(n.getInput(i));
        V[] out = new V[n.getOutputCount()];
        for (int i = 0; i < out.length; i++) out[i] = new V(n.getOutput(i));
        V gy = gOut[0];
        V[] r = new V[in.length];
        switch (n.getOpType()) {
            case "Identity" -> r[0] = gy;
            case "Cast" -> {
                if (ints(n, "to", 1) != 1) throw unsupported(n, "casts to a type other than float32");
                r[0] = gy;
            }
            case "Add" -> {
                if (need[0]) r[0] = unbroadcast(gy, in[0]);
                if (need[1]) r[1] = unbroadcast(gy, in[1]);
            }
            case "Sub" -> {
                if (need[0]) r[0] = unbroadcast(gy, in[0]);
                if (need[1]) r[1] = unbroadcast(g.neg(gy), in[1]);
            }
            case "Mul" -> {
                if (need[0]) r[0] = unbroadcast(g.mul(gy, in[1]), in[0]);
                if (need[1]) r[1] = unbroadcast(g.mul(gy, in[0]), in[1]);
            }
            case "Div" -> {
                if (need[0]) r[0] = unbroadcast(g.div(gy, in[1]), in[0]);
                if (need[1]) r[1] = unbroadcast(g.neg(g.mul(gy, g.div(out[0], in[1]))), in[1]);
            }
            case "Neg" -> r[0] = g.neg(gy);
            case "Exp" -> r[0] = g.mul(gy, out[0]);
            case "Sigmoid" -> r[0] = g.mul(gy, g.mul(out[0], g.sub(g.scalar(1), out[0])));
            case "Tanh" -> r[0] = g.mul(gy, g.sub(g.scalar(1), g.mul(out[0], out[0])));
            case "Sin" -> r[0] = g.mul(gy, g.cos(in[0]));
            case "Cos" -> r[0] = g.neg(g.mul(gy, g.sin(in[0])));
            case "Sqrt" -> r[0] = g.div(g.mul(gy, g.scalar(0.5)), out[0]);
            case "Reciprocal" -> r[0] = g.neg(g.mul(gy, g.mul(out[0], out[0])));
            case "Abs" -> r[0] = g.mul(gy, g.op("Sign", in[0]));
            case "Pow" -> {
                if (need[1]) throw unsupported(n, "with a differentiated exponent");
                r[0] = g.mul(gy, g.mul(in[1], g.op("Pow", in[0], g.sub(in[1], g.scalar(1)))));
            }
            case "MatMul" -> {
                // Batched, with broadcast batch dimensions: dA = dY·Bᵀ, dB = Aᵀ·dY, each summed back to its own shape.
                if (need[0]) r[0] = unbroadcast(g.op("MatMul", gy, lastTwoSwapped(in[1])), in[0]);
                if (need[1]) r[1] = unbroadcast(g.op("MatMul", lastTwoSwapped(in[0]), gy), in[1]);
            }
            case "Gemm" -> gemm(n, in, gy, need, r);
            case "Transpose" -> {
                List<Long> perm = n.getAttributeList().stream().filter(a -> a.getName().equals("perm")).findFirst()
                        .map(AttributeProto::getIntsList).orElseThrow(() -> unsupported(n, "without perm"));
                long[] inverse = new long[perm.size()];
                for (int i = 0; i < inverse.length; i++) inverse[(int) (long) perm.get(i)] = i;
                r[0] = g.transpose(gy, inverse);
            }
            case "Reshape", "Unsqueeze", "Squeeze", "Flatten" -> r[0] = g.reshape(gy, g.op("Shape", in[0]));
            case "Expand" -> r[0] = unbroadcast(gy, in[0]);
            case "Concat" -> concat(n, in, gy, need, r);
            case "Split" -> split(n, in, out, gOut, r);
            case "Slice" -> r[0] = slice(n, in, gy);
            case "Softmax" -> {
                long axis = ints(n, "axis", -1);
                V y = out[0];
                V dot = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1)}, g.mul(gy, y), g.longs(axis));
                r[0] = g.mul(y, g.sub(gy, dot));
            }
            case "ReduceSum", "ReduceMean" -> r[0] = reduce(n, in, gy);
            case "Where" -> {
                V zero = g.scalar(0);
                if (need[1]) r[1] = unbroadcast(g.op("Where", in[0], gy, zero), in[1]);
                if (need[2]) r[2] = unbroadcast(g.op("Where", in[0], zero, gy), in[2]);
            }
            case "RMSNormalization" -> rmsNorm(n, in, gy, need, r);
            case "Attention" -> attention(n, in, gy, need, r);
            case "RotaryEmbedding" -> rotary(n, in, gy, need, r);
            case "Pad" -> r[0] = pad(n, in, gy);
            default -> throw unsupported(n, "");
        }
        return r;
    }

    /** Y = α·A'·B' + β·C with A' = A or Aᵀ, B' = B or Bᵀ (all rank 2). */
    private void gemm(NodeProto n, V[] in, V gy, boolean[] need, V[] r) {
        boolean ta = ints(n, "transA", 0) != 0, tb = ints(n, "transB", 0) != 0;
        V alpha = g.scalar(floats(n, "alpha", 1)), beta = g.scalar(floats(n, "beta", 1));
        V ga = g.mul(alpha, gy);
        if (need[0]) {   // dA' = α·dY·B'ᵀ
            V b = in[1];
            r[0] = ta ? g.op("Gemm", new Attr[]{Attr.i("transA", tb ? 1 : 0), Attr.i("transB", 1)}, b, ga)   // (dY·B'ᵀ)ᵀ = B'·dYᵀ
                    : g.op("Gemm", new Attr[]{Attr.i("transB", tb ? 0 : 1)}, ga, b);
        }
        if (need[1]) {   // dB' = α·A'ᵀ·dY
            V a = in[0];
            r[1] = tb ? g.op("Gemm", new Attr[]{Attr.i("transA", 1), Attr.i("transB", ta ? 1 : 0)}, ga, a)   // (A'ᵀ·dY)ᵀ = dYᵀ·A'
                    : g.op("Gemm", new Attr[]{Attr.i("transA", ta ? 0 : 1)}, a, ga);
        }
        if (in.length > 2 && in[2] != null && need[2]) r[2] = unbroadcast(g.mul(beta, gy), in[2]);
    }

    private void concat(NodeProto n, V[] in, V gy, boolean[] need, V[] r) {
        long axis = ints(n, "axis", 0);
        V offset = g.longs(0);
        for (int i = 0; i < in.length; i++) {
            V len = g.op("Shape", new Attr[]{Attr.i("start", axis), Attr.i("end", axis == -1 ? Long.MAX_VALUE : axis + 1)}, in[i]);
            V end = g.add(offset, len);
            if (need[i]) r[i] = g.op("Slice", gy, offset, end, g.longs(axis));
            offset = end;
        }
    }

    private void split(NodeProto n, V[] in, V[] out, V[] gOut, V[] r) {
        long axis = ints(n, "axis", 0);
        V[] parts = new V[out.length];
        for (int i = 0; i < out.length; i++) parts[i] = gOut[i] != null ? gOut[i] : zerosLike(out[i]);
        r[0] = g.concat(axis, parts);
    }

    /** Slice with unit steps: the gradient padded back with zeros to the input's extent on the sliced axes. */
    private V slice(NodeProto n, V[] in, V gy) {
        if (in.length < 4 || in[3] == null) throw unsupported(n, "without explicit axes");
        if (in.length > 4 && in[4] != null) throw unsupported(n, "with steps");
        V axes = in[3];
        V dims = g.op("Gather", g.op("Shape", in[0]), axes);
        V start = clampIndex(in[1], dims), end = clampIndex(in[2], dims);
        end = g.op("Max", end, start);
        V pads = g.concat(0, start, g.sub(dims, end));
        return g.op("Pad", gy, pads, g.scalar(0), axes);
    }

    /** A Slice bound as ONNX reads it: negative counts from the end, then clamped to [0, dim]. */
    private V clampIndex(V i, V dims) {
        V zero = g.longScalar(0);
        V wrapped = g.op("Where", g.op("Less", i, zero), g.add(i, dims), i);
        return g.op("Min", g.op("Max", wrapped, zero), dims);
    }

    private V reduce(NodeProto n, V[] in, V gy) {
        boolean keep = ints(n, "keepdims", 1) != 0;
        V axes = in.length > 1 ? in[1] : null;
        V x = in[0];
        V grown = gy;
        if (axes == null) grown = g.reshape(gy, g.longs());   // every axis reduced: a scalar gradient
        else if (!keep) grown = g.op("Unsqueeze", gy, axes);
        V spread = g.op("Expand", grown, g.op("Shape", x));
        if (n.getOpType().equals("ReduceSum")) return spread;
        V count = g.div(g.cast(g.op("Size", x), org.aceforge.engine.tensors.DType.F32), g.cast(g.op("Size", gy), org.aceforge.engine.tensors.DType.F32));
        return g.div(spread, count);
    }

    /** y = x·r·w with r = 1/√(mean(x², last axis) + ε). */
    private void rmsNorm(NodeProto n, V[] in, V gy, boolean[] need, V[] r) {
        if (ints(n, "axis", -1) != -1) throw unsupported(n, "over other than the last axis");
        double eps = floats(n, "epsilon", 1e-5);
        V x = in[0], w = in[1];
        V mean = g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 1)}, g.mul(x, x), g.longs(-1));
        V rs = g.op("Reciprocal", g.op("Sqrt", g.add(mean, g.scalar(eps))));
        if (need[0]) {
            V gw = g.mul(gy, w);
            V dot = g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 1)}, g.mul(gw, x), g.longs(-1));
            r[0] = g.mul(rs, g.sub(gw, g.mul(x, g.mul(g.mul(rs, rs), dot))));
        }
        if (need[1]) r[1] = unbroadcast(g.mul(gy, g.mul(x, rs)), w);
    }

    /**
     * Opset-23 RotaryEmbedding: each pair of features turned by its position's angle, a rotation, so the gradient is the
     * same operator turning the other way (sin negated). The tables and positions come from the sequence length only and
     * get no gradient.
     */
    private void rotary(NodeProto n, V[] in, V gy, boolean[] need, V[] r) {
        if (in.length < 4 || in[3] == null) throw unsupported(n, "without position_ids");
        for (int i = 1; i < need.length; i++) if (need[i]) throw unsupported(n, "with a gradient for its tables or positions");
        if (!need[0]) return;
        Attr[] attrs = {Attr.i("num_heads", ints(n, "num_heads", 0)), Attr.i("interleaved", ints(n, "interleaved", 0)),
                Attr.i("rotary_embedding_dim", ints(n, "rotary_embedding_dim", 0))};
        r[0] = g.op("RotaryEmbedding", attrs, gy, in[1], g.neg(in[2]), in[3]);
    }

    /**
     * Opset-23 Attention on 3-D inputs (Q [B, S, Hq·D], K [B, L, Hkv·D], V [B, L, Hkv·Dv], an optional boolean or additive
     * mask over [S, L]), recomputed from primitives: query head h reads key/value head h / G (G = Hq / Hkv), so the
     * heads are laid out [B, Hkv, G, ·, ·] and the keys and values broadcast over G. With P = softmax(scale·Q·Kᵀ + mask):
     * dV = Σ_G Pᵀ·dO, dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = dO·Vᵀ, dQ = scale·dS·K, dK = Σ_G scale·dSᵀ·Q.
     */
    private void attention(NodeProto n, V[] in, V gy, boolean[] need, V[] r) {
        if (ints(n, "is_causal", 0) != 0) throw unsupported(n, "with is_causal");
        if (in.length > 4 && in[4] != null || in.length > 5 && in[5] != null) throw unsupported(n, "with a past key or value");
        long hq = ints(n, "q_num_heads", 0), hkv = ints(n, "kv_num_heads", 0);
        if (hq <= 0 || hkv <= 0) throw unsupported(n, "on 4-D inputs");
        long groups = hq / hkv;
        double scale = floats(n, "scale", Double.NaN);
        V q = heads(in[0], hkv, groups), k = heads(in[1], hkv, 1), v = heads(in[2], hkv, 1);   // [B, Hkv, G|1, ·, D]
        V sc = Double.isNaN(scale) ? g.div(g.scalar(1), g.op("Sqrt", g.cast(g.op("Shape", new Attr[]{Attr.i("start", -1)}, q), org.aceforge.engine.tensors.DType.F32)))
                : g.scalar(scale);
        V scores = g.mul(g.op("MatMul", q, lastTwoSwapped(k)), sc);                                      // [B, Hkv, G, S, L]
        V mask = in.length > 3 ? in[3] : null;
        if (mask != null) {
            V m = g.unsqueeze(mask, -3);
            scores = isBoolMask(n) ? g.op("Where", m, scores, g.scalar(Double.NEGATIVE_INFINITY)) : g.add(scores, m);
        }
        V p = g.op("Softmax", new Attr[]{Attr.i("axis", -1)}, scores);
        V dO = heads(gy, hkv, groups);                                                                    // [B, Hkv, G, S, Dv]
        if (need[2]) r[2] = merge(g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1)}, g.op("MatMul", lastTwoSwapped(p), dO), g.longs(2)), in[2]);
        if (!need[0] && !need[1]) return;
        V dP = g.op("MatMul", dO, lastTwoSwapped(v));
        V dS = g.mul(p, g.sub(dP, g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1)}, g.mul(dP, p), g.longs(-1))));
        if (need[0]) r[0] = merge(g.mul(g.op("MatMul", dS, k), sc), in[0]);
        if (need[1]) r[1] = merge(g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1)}, g.mul(g.op("MatMul", lastTwoSwapped(dS), q), sc), g.longs(2)), in[1]);
    }

    /** [B, T, heads·D] → [B, Hkv, G, T, D] (G = heads per key/value head; 1 for keys and values). */
    private V heads(V x, long hkv, long groups) {
        return g.transpose(g.reshape(x, 0, 0, hkv, groups, -1), 0, 2, 3, 1, 4);
    }

    /** [B, Hkv, G, T, D] → [B, T, Hkv·G·D], shaped like {@code like}. */
    private V merge(V x, V like) {
        return g.reshape(g.transpose(x, 0, 3, 1, 2, 4), g.op("Shape", like));
    }

    /** Whether the node's mask input is boolean (Attention takes bool masks, true = attend, or additive float ones). */
    private boolean isBoolMask(NodeProto n) {
        return boolValues.contains(n.getInput(3));
    }

    private final java.util.Set<String> boolValues = new java.util.HashSet<>();

    /** Tells the rules which values are boolean (the forward graph's comparison outputs), for Attention's mask. */
    void boolValues(java.util.Collection<String> names) {
        boolValues.addAll(names);
    }

    /** Constant padding: the gradient cropped back to the input's extent. */
    private V pad(NodeProto n, V[] in, V gy) {
        for (AttributeProto a : n.getAttributeList())
            if (a.getName().equals("mode") && !a.getS().toStringUtf8().equals("constant")) throw unsupported(n, "in mode " + a.getS().toStringUtf8());
        V pads = in[1];
        V axes = in.length > 3 && in[3] != null ? in[3] : g.op("Range", g.longScalar(0), g.op("Size", g.op("Shape", gy)), g.longScalar(1));
        V count = g.op("Size", axes);
        V before = g.op("Slice", pads, g.longs(0), g.reshape(count, 1), g.longs(0));
        V after = g.op("Slice", pads, g.reshape(count, 1), g.reshape(g.mul(count, g.longScalar(2)), 1), g.longs(0));
        V dims = g.op("Gather", g.op("Shape", gy), axes);
        return g.op("Slice", gy, before, g.sub(dims, after), axes);
    }

    /** The last two axes swapped: a Transpose where the rank is known, else a one-input Einsum (which needs none). */
    private V lastTwoSwapped(V x) {
        Dim[] s = known.shape(x.name());
        if (s == null) return g.op("Einsum", new Attr[]{Attr.s("equation", "...ij->...ji")}, x);
        long[] perm = new long[s.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[s.length - 2] = s.length - 1;
        perm[s.length - 1] = s.length - 2;
        return g.transpose(x, perm);
    }

    /**
     * A gradient of a broadcast result summed back to {@code x}'s shape: first over the leading axes {@code x} lacks,
     * then over the axes where {@code x} has size 1 and the gradient does not.
     */
    V unbroadcast(V grad, V x) {
        V decided = unbroadcastKnown(grad, x);
        if (decided != null) return decided;
        V sx = shapeOf(x);
        V lead = g.sub(g.op("Size", g.op("Shape", grad)), g.op("Size", sx));
        V g1 = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0), Attr.i("noop_with_empty_axes", 1)},
                grad, g.op("Range", g.longScalar(0), lead, g.longScalar(1)));
        V one = g.longScalar(1);
        V mask = g.op("And", g.op("Equal", sx, one), g.op("Not", g.op("Equal", g.op("Shape", g1), one)));
        V axes = g.reshape(g.op("NonZero", mask), -1);
        V g2 = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1), Attr.i("noop_with_empty_axes", 1)}, g1, axes);
        return g.reshape(g2, sx);
    }

    /**
     * {@link #unbroadcast} decided before run time from the static shapes: sum over the leading axes {@code x} lacks and
     * over those where {@code x} is known to be 1; null when some axis could go either way (then it is decided at run
     * time).
     */
    private V unbroadcastKnown(V grad, V x) {
        Dim[] gs = known.shape(grad.name()), xs = known.shape(x.name());
        if (gs == null || xs == null || gs.length < xs.length) return null;
        int lead = gs.length - xs.length;
        List<Long> ones = new java.util.ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            Dim dx = xs[i], dg = gs[lead + i];
            if (dx.equals(dg) || dg.is(1)) continue;
            if (dx.is(1)) ones.add((long) (lead + i));
            else return null;
        }
        V out = grad;
        if (!ones.isEmpty()) out = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 1)}, out, g.longs(ones.stream().mapToLong(Long::longValue).toArray()));
        if (lead > 0) {
            long[] axes = new long[lead];
            for (int i = 0; i < lead; i++) axes[i] = i;
            out = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, out, g.longs(axes));
        }
        return out;
    }

    /** One Shape node per value, however many gradients need it. */
    private V shapeOf(V x) {
        return shapes.computeIfAbsent(x.name(), k -> g.op("Shape", x));
    }

    V onesLike(V x) {
        return g.op("Expand", g.scalar(1), g.op("Shape", x));
    }

    V zerosLike(V x) {
        return g.op("Expand", g.scalar(0), g.op("Shape", x));
    }

    private static long ints(NodeProto n, String name, long otherwise) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return otherwise;
    }

    private static double floats(NodeProto n, String name, double otherwise) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getF();
        return otherwise;
    }

    private static IllegalStateException unsupported(NodeProto n, String how) {
        return new IllegalStateException("no gradient for " + n.getOpType() + (how.isEmpty() ? "" : " " + how) + " (node " + n.getName() + ")");
    }
}
