package org.aceforge.engine.graph;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A plain-Java float64 n-dimensional array with the few operators the gradient checks need, written for clarity, not
 * speed: the reference that ONNX Runtime's gradients are compared with through finite differences.
 */
record Nd(double[] d, int[] s) {
    static Nd of(int[] shape, double[] data) {
        return new Nd(data, shape);
    }

    int size() { return d.length; }

    int rank() { return s.length; }

    static int count(int[] shape) {
        int n = 1;
        for (int v : shape) n *= v;
        return n;
    }

    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) { st[i] = acc; acc *= shape[i]; }
        return st;
    }

    /** Index → coordinates. */
    static int[] coords(int index, int[] shape) {
        int[] c = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) { c[i] = index % shape[i]; index /= shape[i]; }
        return c;
    }

    /** The element at broadcast coordinates {@code c} of a result of rank c.length. */
    double at(int[] c) {
        int off = c.length - s.length, idx = 0;
        int[] st = strides(s);
        for (int i = 0; i < s.length; i++) idx += (s[i] == 1 ? 0 : c[i + off]) * st[i];
        return d[idx];
    }

    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            out[i] = Math.max(x, y);
        }
        return out;
    }

    static Nd binary(Nd a, Nd b, DoubleBinaryOperator f) {
        int[] shape = broadcast(a.s, b.s);
        double[] out = new double[count(shape)];
        for (int i = 0; i < out.length; i++) { int[] c = coords(i, shape); out[i] = f.applyAsDouble(a.at(c), b.at(c)); }
        return new Nd(out, shape);
    }

    static Nd where(Nd c, Nd a, Nd b) {
        int[] shape = broadcast(broadcast(c.s, a.s), b.s);
        double[] out = new double[count(shape)];
        for (int i = 0; i < out.length; i++) { int[] k = coords(i, shape); out[i] = c.at(k) != 0 ? a.at(k) : b.at(k); }
        return new Nd(out, shape);
    }

    Nd map(DoubleUnaryOperator f) {
        double[] out = new double[d.length];
        for (int i = 0; i < out.length; i++) out[i] = f.applyAsDouble(d[i]);
        return new Nd(out, s);
    }

    Nd reshape(int... shape) {
        return new Nd(d, shape);
    }

    Nd transpose(int... perm) {
        int[] shape = new int[s.length];
        for (int i = 0; i < perm.length; i++) shape[i] = s[perm[i]];
        double[] out = new double[d.length];
        int[] st = strides(s);
        for (int i = 0; i < out.length; i++) {
            int[] c = coords(i, shape);
            int src = 0;
            for (int k = 0; k < perm.length; k++) src += c[k] * st[perm[k]];
            out[i] = d[src];
        }
        return new Nd(out, shape);
    }

    /** Batched matrix product with broadcast batch dimensions (both of rank ≥ 2). */
    static Nd matmul(Nd a, Nd b) {
        int m = a.s[a.rank() - 2], k = a.s[a.rank() - 1], n = b.s[b.rank() - 1];
        int[] ba = Arrays.copyOf(a.s, a.rank() - 2), bb = Arrays.copyOf(b.s, b.rank() - 2), batch = broadcast(ba, bb);
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        double[] out = new double[count(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] c = coords(i, shape);
            double sum = 0;
            for (int j = 0; j < k; j++) {
                int[] ca = c.clone(), cb = c.clone();
                ca[c.length - 1] = j;
                cb[c.length - 2] = j;
                sum += a.at(ca) * b.at(cb);
            }
            out[i] = sum;
        }
        return new Nd(out, shape);
    }

    /** Sum (or mean) over {@code axes} (negative allowed; none: all). */
    Nd reduce(int[] axes, boolean keep, boolean mean) {
        boolean[] r = new boolean[s.length];
        if (axes == null) Arrays.fill(r, true);
        else for (int a : axes) r[a < 0 ? a + s.length : a] = true;
        int[] kept = new int[s.length];
        int n = 1;
        for (int i = 0; i < s.length; i++) { kept[i] = r[i] ? 1 : s[i]; if (r[i]) n *= s[i]; }
        double[] out = new double[count(kept)];
        int[] st = strides(kept);
        for (int i = 0; i < d.length; i++) {
            int[] c = coords(i, s);
            int o = 0;
            for (int k = 0; k < s.length; k++) o += (r[k] ? 0 : c[k]) * st[k];
            out[o] += d[i];
        }
        if (mean) for (int i = 0; i < out.length; i++) out[i] /= n;
        if (keep) return new Nd(out, kept);
        return new Nd(out, Arrays.stream(kept).filter(new java.util.function.IntPredicate() {
            int i = 0;
            public boolean test(int v) { return !r[i++]; }
        }).toArray());
    }

    Nd softmax(int axis) {
        int ax = axis < 0 ? axis + s.length : axis;
        double[] out = new double[d.length];
        int[] st = strides(s);
        for (int i = 0; i < d.length; i++) {
            int[] c = coords(i, s);
            if (c[ax] != 0) continue;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < s[ax]; j++) max = Math.max(max, d[i + j * st[ax]]);
            for (int j = 0; j < s[ax]; j++) sum += Math.exp(d[i + j * st[ax]] - max);
            for (int j = 0; j < s[ax]; j++) out[i + j * st[ax]] = Math.exp(d[i + j * st[ax]] - max) / sum;
        }
        return new Nd(out, s);
    }

    /** Elements [from, to) of {@code axis}. */
    Nd slice(int axis, int from, int to) {
        int ax = axis < 0 ? axis + s.length : axis;
        int[] shape = s.clone();
        shape[ax] = to - from;
        double[] out = new double[count(shape)];
        int[] st = strides(s);
        for (int i = 0; i < out.length; i++) {
            int[] c = coords(i, shape);
            c[ax] += from;
            int src = 0;
            for (int k = 0; k < c.length; k++) src += c[k] * st[k];
            out[i] = d[src];
        }
        return new Nd(out, shape);
    }

    static Nd concat(int axis, Nd... parts) {
        int ax = axis < 0 ? axis + parts[0].rank() : axis;
        int[] shape = parts[0].s.clone();
        shape[ax] = 0;
        for (Nd p : parts) shape[ax] += p.s[ax];
        double[] out = new double[count(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] c = coords(i, shape);
            int k = 0, pos = c[ax];
            while (pos >= parts[k].s[ax]) { pos -= parts[k].s[ax]; k++; }
            int[] cc = c.clone();
            cc[ax] = pos;
            out[i] = parts[k].at(cc);
        }
        return new Nd(out, shape);
    }

    /** x·w/√(mean(x², last axis) + eps). */
    Nd rmsNorm(Nd w, double eps) {
        int n = s[s.length - 1];
        double[] out = new double[d.length];
        for (int row = 0; row < d.length / n; row++) {
            double ms = 0;
            for (int j = 0; j < n; j++) ms += d[row * n + j] * d[row * n + j];
            double r = 1 / Math.sqrt(ms / n + eps);
            for (int j = 0; j < n; j++) out[row * n + j] = d[row * n + j] * r * w.d[j];
        }
        return new Nd(out, s);
    }

    double dot(Nd other) {
        double sum = 0;
        for (int i = 0; i < d.length; i++) sum += d[i] * other.d[i];
        return sum;
    }

    /**
     * Scaled-dot-product attention on [B, T, heads·D] tensors, query head h reading key/value head h / (hq / hkv);
     * {@code allowed} [S, L] (null: everything) masks out the zeros.
     */
    static Nd attention(Nd q, Nd k, Nd v, Nd allowed, int hq, int hkv, double scale) {
        int b = q.s[0], sq = q.s[1], l = k.s[1], d = q.s[2] / hq, dv = v.s[2] / hkv, g = hq / hkv;
        double[] out = new double[b * sq * hq * dv];
        for (int n = 0; n < b; n++) for (int h = 0; h < hq; h++) for (int i = 0; i < sq; i++) {
            int kh = h / g;
            double[] w = new double[l];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < l; j++) {
                if (allowed != null && allowed.d[i * l + j] == 0) { w[j] = Double.NEGATIVE_INFINITY; continue; }
                double sum = 0;
                for (int c = 0; c < d; c++) sum += q.d[(n * sq + i) * hq * d + h * d + c] * k.d[(n * l + j) * hkv * d + kh * d + c];
                w[j] = sum * scale;
                max = Math.max(max, w[j]);
            }
            double z = 0;
            for (int j = 0; j < l; j++) { w[j] = Math.exp(w[j] - max); z += w[j]; }
            for (int c = 0; c < dv; c++) {
                double sum = 0;
                for (int j = 0; j < l; j++) sum += w[j] / z * v.d[(n * l + j) * hkv * dv + kh * dv + c];
                out[(n * sq + i) * hq * dv + h * dv + c] = sum;
            }
        }
        return new Nd(out, new int[]{b, sq, hq * dv});
    }

    /** Constant zero padding: {@code pads} = [begin per axis…, end per axis…]. */
    Nd pad(int... pads) {
        int r = s.length;
        int[] shape = new int[r];
        for (int i = 0; i < r; i++) shape[i] = s[i] + pads[i] + pads[i + r];
        double[] out = new double[count(shape)];
        int[] st = strides(shape);
        for (int i = 0; i < d.length; i++) {
            int[] c = coords(i, s);
            int o = 0;
            for (int k = 0; k < r; k++) o += (c[k] + pads[k]) * st[k];
            out[o] = d[i];
        }
        return new Nd(out, shape);
    }
}
