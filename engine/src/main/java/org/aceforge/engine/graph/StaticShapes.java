package org.aceforge.engine.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the builder knows of each value's shape before run time: its rank and each dimension as a {@link Dim} (a number,
 * a product of the inputs' named sizes, or a placeholder), plus the elements of small integer tensors built from
 * shapes (a Reshape's target, say). The gradient rules ask it whether a gradient needs summing back to an input's shape
 * at all, and over which axes, instead of adding a dozen shape nodes that decide it at run time: that made the
 * full-size training graph too large for ONNX Runtime to load in reasonable time.
 *
 * <p>Shapes are followed in the graph's node order as far as the graph has grown, so nodes added later (the gradient
 * nodes themselves) are covered too. Where a size cannot be followed it becomes a fresh placeholder, equal only to
 * itself: unknown is never mistaken for known.
 */
final class StaticShapes {
    private final OnnxGraph g;
    private final Map<String, Dim[]> shapes = new HashMap<>();
    private final Map<String, Dim[]> values = new HashMap<>();
    private int done;
    private int placeholders;

    StaticShapes(OnnxGraph g) {
        this.g = g;
    }

    /** The value's dimensions, or null when even its rank is unknown. */
    Dim[] shape(String name) {
        sync();
        Dim[] s = shapes.get(name);
        if (s != null) return s;
        TensorProto t = g.initializer(name);
        if (t != null) {
            s = new Dim[t.getDimsCount()];
            for (int i = 0; i < s.length; i++) s[i] = Dim.of(t.getDims(i));
        } else {
            ValueInfoProto in = g.inputInfo(name);
            if (in == null) return null;
            List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
            s = new Dim[dims.size()];
            for (int i = 0; i < s.length; i++) {
                TensorShapeProto.Dimension d = dims.get(i);
                s[i] = d.hasDimValue() ? Dim.of(d.getDimValue()) : d.hasDimParam() ? Dim.named(d.getDimParam()) : fresh();
            }
        }
        shapes.put(name, s);
        return s;
    }

    /** The elements of an integer scalar or vector when known (shape-derived sizes or constants); null otherwise. */
    Dim[] value(String name) {
        sync();
        Dim[] v = values.get(name);
        if (v != null || values.containsKey(name)) return v;
        TensorProto t = g.initializer(name);
        if (t != null && t.getDataType() == TensorProto.DataType.INT64_VALUE && t.getDimsCount() <= 1 && t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            v = new Dim[b.remaining() / 8];
            for (int i = 0; i < v.length; i++) v[i] = Dim.of(b.getLong());
        }
        values.put(name, v);
        return v;
    }

    /**
     * The value's elements as far as known (an unknown element is null), for an integer scalar or vector whose length
     * is known; null when not even that is.
     */
    private Dim[] valueOrUnknown(String name) {
        Dim[] v = value(name);
        if (v != null) return v;
        Dim[] s = shape(name);
        if (s == null || s.length > 1 || s.length == 1 && !s[0].isNumber() || s.length == 1 && s[0].coeff() > 64) return null;
        return new Dim[s.length == 0 ? 1 : (int) s[0].coeff()];
    }

    /** Numbers of a known all-numeric integer value; null otherwise. */
    private long[] numbers(String name) {
        if (name.isEmpty()) return null;
        Dim[] v = value(name);
        if (v == null) return null;
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] == null || !v[i].isNumber()) return null;
            out[i] = v[i].coeff();
        }
        return out;
    }

    /** The elements with each unknown one made a placeholder. */
    private Dim[] known(Dim[] v) {
        Dim[] out = v.clone();
        for (int i = 0; i < out.length; i++) if (out[i] == null) out[i] = fresh();
        return out;
    }

    private Dim fresh() {
        return Dim.named("?" + placeholders++);
    }

    private Dim[] fresh(int rank) {
        Dim[] d = new Dim[rank];
        for (int i = 0; i < rank; i++) d[i] = fresh();
        return d;
    }

    private boolean syncing;

    /** Follows the nodes added since the last question (the rules ask about their own inputs while this runs). */
    private void sync() {
        if (syncing) return;
        syncing = true;
        try {
            int count = g.nodeCount();
            while (done < count) infer(g.node(done++));
        } finally {
            syncing = false;
        }
    }

    private void infer(NodeProto n) {
        String op = n.getOpType();
        List<String> in = n.getInputList();
        Dim[] x = in.isEmpty() || in.get(0).isEmpty() ? null : shape(in.get(0));
        Dim[] out = null;
        Dim[] val = null;
        switch (op) {
            case "Identity", "Neg", "Exp", "Sigmoid", "Tanh", "Sin", "Cos", "Sqrt", "Reciprocal", "Abs", "Relu", "Erf", "Floor",
                 "Ceil", "Round", "Sign", "Not", "Softmax", "CumSum", "RMSNormalization", "LayerNormalization", "RotaryEmbedding" -> {
                out = x;
                if (op.equals("Identity")) val = value(in.get(0));
            }
            case "Cast" -> {
                out = x;
                if (attr(n, "to", 0) == TensorProto.DataType.INT64_VALUE) val = value(in.get(0));
            }
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mod", "Equal", "Less", "LessOrEqual", "Greater",
                 "GreaterOrEqual", "And", "Or", "Xor", "Where" -> {
                out = shape(in.get(0));
                for (int i = 1; i < in.size() && out != null; i++) out = broadcast(out, shape(in.get(i)));
                if (in.size() == 2) val = arithmetic(op, valueOrUnknown(in.get(0)), valueOrUnknown(in.get(1)));
            }
            case "MatMul" -> {
                Dim[] b = shape(in.get(1));
                if (x != null && b != null && x.length >= 2 && b.length >= 2) {
                    Dim[] batch = broadcast(Arrays.copyOf(x, x.length - 2), Arrays.copyOf(b, b.length - 2));
                    out = Arrays.copyOf(batch, batch.length + 2);
                    out[batch.length] = x[x.length - 2];
                    out[batch.length + 1] = b[b.length - 1];
                }
            }
            case "Gemm" -> {
                Dim[] b = shape(in.get(1));
                if (x != null && b != null && x.length == 2 && b.length == 2)
                    out = new Dim[]{x[attr(n, "transA", 0) != 0 ? 1 : 0], b[attr(n, "transB", 0) != 0 ? 0 : 1]};
            }
            case "Transpose" -> {
                if (x != null) {
                    long[] perm = ints(n, "perm");
                    out = new Dim[x.length];
                    for (int i = 0; i < x.length; i++) out[i] = x[perm != null ? (int) perm[i] : x.length - 1 - i];
                }
            }
            case "Einsum" -> {
                if (x != null && x.length >= 2 && string(n, "equation").equals("...ij->...ji")) {
                    out = x.clone();
                    out[x.length - 2] = x[x.length - 1];
                    out[x.length - 1] = x[x.length - 2];
                }
            }
            case "Reshape" -> {
                out = reshape(x, in.get(1), attr(n, "allowzero", 0) != 0);
                val = value(in.get(0));
            }
            case "Unsqueeze" -> {
                long[] axes = numbers(in.get(1));
                if (x != null && axes != null) {
                    int rank = x.length + axes.length;
                    boolean[] added = new boolean[rank];
                    for (long a : axes) added[(int) (a < 0 ? a + rank : a)] = true;
                    out = new Dim[rank];
                    for (int i = 0, j = 0; i < rank; i++) out[i] = added[i] ? Dim.of(1) : x[j++];
                }
                val = value(in.get(0));
            }
            case "Squeeze" -> {
                long[] axes = in.size() > 1 ? numbers(in.get(1)) : null;
                if (x != null && axes != null) {
                    boolean[] removed = new boolean[x.length];
                    for (long a : axes) removed[(int) (a < 0 ? a + x.length : a)] = true;
                    List<Dim> kept = new ArrayList<>();
                    for (int i = 0; i < x.length; i++) if (!removed[i]) kept.add(x[i]);
                    out = kept.toArray(Dim[]::new);
                }
                val = value(in.get(0));
            }
            case "Flatten" -> {
                if (x != null) {
                    int axis = (int) attr(n, "axis", 1);
                    if (axis < 0) axis += x.length;
                    out = new Dim[]{product(Arrays.copyOf(x, axis)), product(Arrays.copyOfRange(x, axis, x.length))};
                }
            }
            case "Concat" -> {
                out = concat(n, in);
                val = concatValues(in);
            }
            case "Slice" -> {
                out = slice(x, in);
                if (x != null && x.length == 1) val = sliceValue(value(in.get(0)), in);
            }
            case "Split" -> split(n, x, in);
            case "Shape" -> {
                if (x != null) {
                    int start = (int) clampAxis(attr(n, "start", 0), x.length), end = (int) clampAxis(attr(n, "end", x.length), x.length);
                    val = Arrays.copyOfRange(x, start, Math.max(start, end));
                    out = new Dim[]{Dim.of(val.length)};
                } else out = fresh(1);
            }
            case "Size" -> {
                out = new Dim[0];
                if (x != null) val = new Dim[]{product(x)};
            }
            case "Gather" -> {
                Dim[] idx = shape(in.get(1));
                if (x != null && idx != null) {
                    int axis = (int) attr(n, "axis", 0);
                    if (axis < 0) axis += x.length;
                    List<Dim> d = new ArrayList<>(Arrays.asList(x).subList(0, axis));
                    d.addAll(Arrays.asList(idx));
                    d.addAll(Arrays.asList(x).subList(axis + 1, x.length));
                    out = d.toArray(Dim[]::new);
                    Dim[] data = value(in.get(0));
                    long[] at = numbers(in.get(1));
                    if (data != null && at != null && x.length == 1) {
                        val = new Dim[at.length];
                        for (int i = 0; i < at.length; i++) val[i] = data[(int) (at[i] < 0 ? at[i] + data.length : at[i])];
                    }
                }
            }
            case "Expand" -> {
                Dim[] target = value(in.get(1));
                if (x != null && target != null) out = broadcast(x, known(target));
            }
            case "ConstantOfShape" -> out = value(in.get(0)) == null ? null : known(value(in.get(0)));
            case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin" -> out = reduce(n, x, in);
            case "Attention" -> {
                Dim[] v = shape(in.get(2));
                long hq = attr(n, "q_num_heads", 0), hkv = attr(n, "kv_num_heads", 0);
                if (x != null && v != null && x.length == 3 && v.length == 3 && hq > 0 && hkv > 0) {
                    Dim head = v[2].over(Dim.of(hkv));
                    out = new Dim[]{x[0], x[1], head == null ? fresh() : head.times(Dim.of(hq))};
                }
            }
            case "Pad" -> out = pad(x, in);
            case "Tile" -> {
                long[] reps = numbers(in.get(1));
                if (x != null && reps != null && reps.length == x.length) {
                    out = new Dim[x.length];
                    for (int i = 0; i < x.length; i++) out[i] = x[i].times(Dim.of(reps[i]));
                }
            }
            case "NonZero" -> out = x == null ? null : new Dim[]{Dim.of(x.length), fresh()};
            case "Range" -> {
                long[] start = numbers(in.get(0)), delta = numbers(in.get(2));
                Dim[] limit = value(in.get(1));
                boolean counting = start != null && start[0] == 0 && delta != null && delta[0] == 1 && limit != null && limit[0] != null;
                out = counting ? new Dim[]{limit[0]} : fresh(1);
            }
            default -> { }
        }
        if (n.getOutputCount() > 0 && !op.equals("Split")) {
            if (out != null) shapes.put(n.getOutput(0), out);
            if (val != null) values.put(n.getOutput(0), val);
        }
    }

    /** Numpy broadcasting of two known shapes; a pair of unequal sizes neither known to be 1 gives a placeholder. */
    private Dim[] broadcast(Dim[] a, Dim[] b) {
        if (a == null || b == null) return null;
        int rank = Math.max(a.length, b.length);
        Dim[] out = new Dim[rank];
        for (int i = 0; i < rank; i++) {
            Dim da = i < rank - a.length ? Dim.of(1) : a[i - (rank - a.length)];
            Dim db = i < rank - b.length ? Dim.of(1) : b[i - (rank - b.length)];
            if (da.equals(db) || db.is(1)) out[i] = da;
            else if (da.is(1)) out[i] = db;
            else if (da.isNumber()) out[i] = da;   // the other is a size that must be da or 1
            else if (db.isNumber()) out[i] = db;
            else out[i] = fresh();
        }
        return out;
    }

    private static Dim[] arithmetic(String op, Dim[] a, Dim[] b) {
        if (a == null || b == null || a.length != b.length && a.length != 1 && b.length != 1) return null;
        int len = Math.max(a.length, b.length);
        Dim[] out = new Dim[len];
        for (int i = 0; i < len; i++) {
            Dim x = a[a.length == 1 ? 0 : i], y = b[b.length == 1 ? 0 : i];
            if (x == null || y == null) continue;
            out[i] = switch (op) {
                case "Mul" -> x.times(y);
                case "Div" -> x.over(y);
                case "Add" -> x.plus(y);
                case "Sub" -> x.plus(new Dim(-y.coeff(), y.symbols()));
                case "Mod" -> x.isNumber() && y.isNumber() && y.coeff() != 0 ? Dim.of(Math.floorMod(x.coeff(), y.coeff())) : null;
                default -> null;
            };
        }
        return out;
    }

    private static Dim product(Dim[] dims) {
        Dim p = Dim.of(1);
        for (Dim d : dims) p = p.times(d);
        return p;
    }

    private Dim[] reshape(Dim[] x, String target, boolean allowZero) {
        Dim[] t = value(target);
        if (t == null) {
            Dim[] ts = shape(target);
            return ts != null && ts.length == 1 && ts[0].isNumber() ? fresh((int) ts[0].coeff()) : null;
        }
        Dim[] out = new Dim[t.length];
        int inferred = -1;
        boolean unknown = false;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) {   // may be anything, 0 and -1 included
                out[i] = fresh();
                unknown = true;
            } else if (t[i].is(-1)) inferred = i;
            else if (t[i].is(0) && !allowZero) out[i] = x != null && i < x.length ? x[i] : fresh();
            else out[i] = t[i];
        }
        if (inferred >= 0) {
            Dim rest = Dim.of(1);
            for (int i = 0; i < t.length; i++) if (i != inferred) rest = rest.times(out[i]);
            Dim q = x == null || unknown ? null : product(x).over(rest);
            out[inferred] = q != null ? q : fresh();
        }
        return out;
    }

    private Dim[] concat(NodeProto n, List<String> in) {
        Dim[] first = shape(in.get(0));
        if (first == null) return null;
        int axis = (int) attr(n, "axis", 0);
        if (axis < 0) axis += first.length;
        Dim[] out = first.clone();
        for (int i = 1; i < in.size(); i++) {
            Dim[] s = shape(in.get(i));
            if (s == null || s.length != first.length) return null;
            Dim sum = out[axis] == null ? null : out[axis].plus(s[axis]);
            out[axis] = sum;
        }
        if (out[axis] == null) out[axis] = fresh();
        return out;
    }

    private Dim[] concatValues(List<String> in) {
        List<Dim> out = new ArrayList<>();
        for (String s : in) {
            Dim[] v = valueOrUnknown(s);
            if (v == null) return null;
            out.addAll(Arrays.asList(v));
        }
        return out.toArray(Dim[]::new);
    }

    private Dim[] slice(Dim[] x, List<String> in) {
        if (x == null) return null;
        long[] starts = numbers(in.get(1)), ends = numbers(in.get(2));
        long[] axes = in.size() > 3 ? numbers(in.get(3)) : null;
        long[] steps = in.size() > 4 ? numbers(in.get(4)) : null;
        if (in.size() > 3 && !in.get(3).isEmpty() && axes == null || in.size() > 4 && !in.get(4).isEmpty() && steps == null) return fresh(x.length);
        Dim[] out = x.clone();
        if (starts == null || ends == null) {
            if (axes == null) return fresh(x.length);
            for (long a : axes) out[(int) (a < 0 ? a + x.length : a)] = fresh();
            return out;
        }
        for (int k = 0; k < starts.length; k++) {
            int axis = axes == null ? k : (int) (axes[k] < 0 ? axes[k] + x.length : axes[k]);
            long step = steps == null ? 1 : steps[k];
            Dim d = x[axis];
            if (d.isNumber()) {
                long len = d.coeff();
                long s = clampIndex(starts[k], len, step), e = clampIndex(ends[k], len, step);
                long count = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e - step - 1) / -step);
                out[axis] = Dim.of(count);
            } else out[axis] = starts[k] == 0 && ends[k] >= Integer.MAX_VALUE && step == 1 ? d : fresh();
        }
        return out;
    }

    private static long clampIndex(long i, long len, long step) {
        if (i < 0) i += len;
        return step > 0 ? Math.max(0, Math.min(i, len)) : Math.max(-1, Math.min(i, len - 1));
    }

    private Dim[] sliceValue(Dim[] v, List<String> in) {
        long[] starts = numbers(in.get(1)), ends = numbers(in.get(2));
        if (v == null || starts == null || ends == null || starts.length != 1 || in.size() > 4 && !in.get(4).isEmpty()) return null;
        long s = clampIndex(starts[0], v.length, 1), e = clampIndex(ends[0], v.length, 1);
        return Arrays.copyOfRange(v, (int) s, (int) Math.max(s, e));
    }

    private void split(NodeProto n, Dim[] x, List<String> in) {
        if (x == null) return;
        int axis = (int) attr(n, "axis", 0);
        if (axis < 0) axis += x.length;
        long[] sizes = in.size() > 1 ? numbers(in.get(1)) : null;
        for (int i = 0; i < n.getOutputCount(); i++) {
            Dim[] out = x.clone();
            if (sizes != null) out[axis] = Dim.of(sizes[i]);
            else {
                Dim part = x[axis].over(Dim.of(n.getOutputCount()));
                out[axis] = part != null && attr(n, "num_outputs", n.getOutputCount()) == n.getOutputCount() ? part : fresh();
            }
            shapes.put(n.getOutput(i), out);
        }
    }

    private Dim[] reduce(NodeProto n, Dim[] x, List<String> in) {
        if (x == null) return null;
        boolean keep = attr(n, "keepdims", 1) != 0;
        long[] axes = in.size() > 1 && !in.get(1).isEmpty() ? numbers(in.get(1)) : ints(n, "axes");
        if (axes == null && in.size() > 1 && !in.get(1).isEmpty()) return null;
        if (axes == null || axes.length == 0) {
            if (attr(n, "noop_with_empty_axes", 0) != 0) return x;
            axes = new long[x.length];
            for (int i = 0; i < x.length; i++) axes[i] = i;
        }
        boolean[] reduced = new boolean[x.length];
        for (long a : axes) reduced[(int) (a < 0 ? a + x.length : a)] = true;
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!reduced[i]) out.add(x[i]);
            else if (keep) out.add(Dim.of(1));
        }
        return out.toArray(Dim[]::new);
    }

    private Dim[] pad(Dim[] x, List<String> in) {
        if (x == null) return null;
        Dim[] pads = valueOrUnknown(in.get(1));
        long[] axes = in.size() > 3 && !in.get(3).isEmpty() ? numbers(in.get(3)) : null;
        if (in.size() > 3 && !in.get(3).isEmpty() && axes == null) return fresh(x.length);
        if (pads == null) return fresh(x.length);
        int count = axes == null ? x.length : axes.length;
        Dim[] out = x.clone();
        for (int k = 0; k < count; k++) {
            int axis = axes == null ? k : (int) (axes[k] < 0 ? axes[k] + x.length : axes[k]);
            Dim before = pads[k], after = pads[k + count];
            if (before == null || after == null || !before.isNumber() || !after.isNumber()) {
                out[axis] = fresh();
                continue;
            }
            long grow = before.coeff() + after.coeff();
            Dim grown = grow == 0 ? x[axis] : x[axis].plus(Dim.of(grow));
            out[axis] = grown != null ? grown : fresh();
        }
        return out;
    }

    private static long clampAxis(long a, int rank) {
        if (a < 0) a += rank;
        return Math.max(0, Math.min(a, rank));
    }

    private static long attr(NodeProto n, String name, long otherwise) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return otherwise;
    }

    private static long[] ints(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList())
            if (a.getName().equals(name)) return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        return null;
    }

    private static String string(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getS().toStringUtf8();
        return "";
    }
}
