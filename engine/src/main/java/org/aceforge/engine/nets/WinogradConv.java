package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;

/**
 * A stride-1, "same"-padded Conv1d with an r-tap kernel at any dilation, computed by Winograd's minimal filtering
 * F(m, r) from standard ONNX operators: m outputs of each channel pair cost m + r − 1 multiplications instead of m·r.
 * For the VAE's 7-tap convolutions with m = 6 that is 12 instead of 42 (3.5× fewer), the rest being linear transforms
 * that cost memory passes, not multiplications. The result differs from the direct convolution by float rounding only
 * (relative 8e-6 measured at the VAE's widths).
 *
 * <p>How it maps onto ONNX Runtime's kernels, so that no operator reorders the signal for the dilation:
 * the padded signal [B, C, L] is viewed as rows of m·d samples, [B, C, rows, m·d]. The m·d outputs of one row are d
 * interleaved tiles of m outputs (one per phase), and the m + r − 1 inputs a tile needs are every d-th sample from
 * its row and the next, so the input transform is one grouped 2-D convolution with a (rows-of-kernel, m) kernel
 * dilated (1, d) whose output width is exactly the d phases. The per-point products are one batched MatMul
 * (m + r − 1 matrices of [Cout × Cin]); the output transform is a grouped ConvTranspose with a (m, 1) kernel and
 * stride (m, 1), whose output [B, Cout, rows·m, d] is already the signal in time order.
 *
 * <p>Points: 0, ±1, ±2, ±½, ±3, ±⅓, … and ∞ (the usual small-integer choice that keeps the transforms well
 * conditioned); the matrices are derived in double precision from the Vandermonde matrix of the points.
 */
public final class WinogradConv {
    /** Outputs per tile: 6 was the fastest on a 2-core AVX-512 CPU at every VAE width (4: 0.9–2.1×, 8: 1.2–2.7× but 1e-4 error). */
    public static final int TILE = 6;
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1 / 3.0, -1 / 3.0, 4, -4, 0.25, -0.25};

    private final int m, r, alpha;
    /** Output transform [m × α], kernel transform [α × r], input transform [α × α]. */
    private final double[][] at, gt, bt;

    private WinogradConv(int m, int r) {
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        if (alpha - 1 > POINTS.length) throw new IllegalArgumentException("F(" + m + ", " + r + ") needs more points");
        double[] p = java.util.Arrays.copyOf(POINTS, alpha - 1);
        double[][] em = evaluation(p, m);
        at = new double[m][alpha];
        for (int i = 0; i < alpha; i++) for (int j = 0; j < m; j++) at[j][i] = em[i][j];
        gt = evaluation(p, r);
        double[][] vInv = invert(evaluation(p, alpha));
        bt = new double[alpha][alpha];
        for (int i = 0; i < alpha; i++) for (int j = 0; j < alpha; j++) bt[i][j] = vInv[j][i];
    }

    /** F(m, r) for kernels of {@code taps} taps. */
    public static WinogradConv of(int m, int taps) {
        if (m < 1 || taps < 1) throw new IllegalArgumentException("F(" + m + ", " + taps + ")");
        return new WinogradConv(m, taps);
    }

    /**
     * The correlation of {@code x} [B, cin, T] with {@code weight} [cout, cin, r] at {@code dilation}, zero padding
     * (r − 1)·dilation/2 each side (r odd), plus {@code bias} [cout] when not null: [B, cout, T].
     */
    public V apply(OnnxGraph g, V x, V weight, V bias, long cin, long cout, int dilation) {
        return apply(g, x, weight, bias, cin, cout, dilation, false);
    }

    /**
     * As {@link #apply(OnnxGraph, V, V, V, long, long, int)}; with {@code fusedTransforms} the input and output
     * transforms are AceForge's {@code WinogradIn} / {@code WinogradOut} operators (one pass each, padding and cutting
     * included) instead of seven standard operators — only for sessions where runtime.CustomOps is available.
     */
    public V apply(OnnxGraph g, V x, V weight, V bias, long cin, long cout, int dilation, boolean fusedTransforms) {
        if (r % 2 == 0) throw new IllegalArgumentException("same padding needs an odd kernel, not " + r);
        if (fusedTransforms) return fused(g, x, weight, bias, cout, dilation, null, null);
        long row = (long) m * dilation, pad = (long) (r - 1) / 2 * dilation;
        int kernelRows = (alpha + m - 1) / m;
        // Rows of output: ⌈T / row⌉; rows of input: that plus the rows a tile's inputs reach into.
        V t = g.dim(x, 2);
        V rowsOut = g.div(g.add(t, g.longs(row - 1)), g.longs(row));
        V padRight = g.sub(g.sub(g.mul(g.add(rowsOut, g.longs(kernelRows - 1)), g.longs(row)), t), g.longs(pad));
        V padded = g.op("Pad", x, g.concat(0, g.longs(0, 0, pad, 0, 0), padRight));
        V rows = g.reshape(padded, 0, cin, -1, row);
        // Input transform: [B, cin·α, rowsOut, d]; channel c·α + a holds point a of channel c.
        V v = g.op("Conv", new Attr[]{Attr.ints("kernel_shape", kernelRows, m), Attr.ints("dilations", 1, dilation),
                Attr.i("group", cin)}, rows, g.constant(inputTransform(cin, kernelRows), cin * alpha, 1, kernelRows, m));
        v = g.transpose(g.reshape(v, 0, cin, alpha, -1), 2, 0, 1, 3);                  // [α, B, cin, n]
        V products = g.matMul(kernelTransform(g, weight), v);                           // [α, B, cout, n]
        V byChannel = g.reshape(g.transpose(products, 1, 2, 0, 3), 0, cout * alpha, -1, dilation);
        Attr[] up = {Attr.ints("kernel_shape", m, 1), Attr.ints("strides", m, 1), Attr.i("group", cout)};
        V w = g.constant(outputTransform(cout), cout * alpha, 1, m, 1);
        V y = bias == null ? g.op("ConvTranspose", up, byChannel, w) : g.op("ConvTranspose", up, byChannel, w, bias);
        return g.slice(g.reshape(y, 0, cout, -1), 2, g.longs(0), t);
    }

    /**
     * snakeAfter(conv(snakeBefore(x))) with the transforms as AceForge operators and each Snake (alpha, inv_beta per
     * channel; either may be null) applied inside them, where the row is in cache: the Snakes of a VAE residual unit,
     * whose outputs feed nothing but this convolution and the next.
     */
    public V applyWithSnakes(OnnxGraph g, V x, V weight, V bias, long cout, int dilation, V[] snakeBefore, V[] snakeAfter) {
        if (r % 2 == 0) throw new IllegalArgumentException("same padding needs an odd kernel, not " + r);
        return fused(g, x, weight, bias, cout, dilation, snakeBefore, snakeAfter);
    }

    /**
     * A VAE residual unit in one AceForge operator ({@code ResidualUnit}): x + conv2(snake2(conv1(snake1(x)))) with
     * conv1 this convolution at {@code dilation} (weight [C, C, r], bias or null) and conv2 a 1 × 1 convolution
     * ({@code weight2} [C, C, 1], {@code bias2} or null). Time is cut into blocks of about 32 tiles; each block goes
     * from the input to the output with everything between in per-thread buffers that stay in cache, where the
     * operator-per-step form writes and reads five tensors the size of the signal (or twice it) per unit.
     */
    public V applyResidualUnit(OnnxGraph g, V x, V weight, V bias, long channels, int dilation, V[] snake1, V[] snake2,
                               V weight2, V bias2) {
        if (r % 2 == 0) throw new IllegalArgumentException("same padding needs an odd kernel, not " + r);
        float[] b = inputMatrix(), a = outputMatrix();
        V zeros = g.constant(new float[Math.toIntExact(channels)], channels);
        return g.aceforgeOp("ResidualUnit", new Attr[]{Attr.i("tile", m), Attr.i("dilation", dilation)},
                x, g.constant(b, alpha, alpha), snake1[0], snake1[1], kernelTransform(g, weight), g.constant(a, m, alpha),
                bias != null ? bias : zeros, snake2[0], snake2[1], weight2, bias2 != null ? bias2 : zeros);
    }

    /** The same computation with the transforms as AceForge operators: [α, B, cin, n] → MatMul → [B, cout, T]. */
    private V fused(OnnxGraph g, V x, V weight, V bias, long cout, int dilation, V[] snakeBefore, V[] snakeAfter) {
        float[] b = inputMatrix(), a = outputMatrix();
        Attr[] in = {Attr.i("tile", m), Attr.i("dilation", dilation)};
        V v = snakeBefore == null ? g.aceforgeOp("WinogradIn", in, x, g.constant(b, alpha, alpha))
                : g.aceforgeOp("SnakeWinogradIn", in, x, g.constant(b, alpha, alpha), snakeBefore[0], snakeBefore[1]);
        V products = g.matMul(kernelTransform(g, weight), v);                           // [α, B, cout, n]
        V zeros = bias != null ? bias : g.constant(new float[Math.toIntExact(cout)], cout);
        Attr[] out = {Attr.i("dilation", dilation)};
        return snakeAfter == null ? g.aceforgeOp("WinogradOut", out, products, g.constant(a, m, alpha), zeros, x)
                : g.aceforgeOp("WinogradOutSnake", out, products, g.constant(a, m, alpha), zeros, x, snakeAfter[0], snakeAfter[1]);
    }

    /**
     * ConvTranspose1d of {@code x} [B, cin, T] with {@code weight} [cin, cout, 2s], stride s (even) and padding s/2 —
     * the VAE's upsampling, [B, cout, T·s] — as s interleaved 3-tap correlations computed together by this F(m, 3):
     * output t = q·s + ρ reads x[q − 1], x[q] and x[q + 1] only (one of the three taps is zero), so phase ρ is a "same"
     * 3-tap convolution with taps W[ρ + s/2 + s], W[ρ + s/2], 0 when ρ + s/2 &lt; s, else 0, W[ρ + s/2], W[ρ − s/2].
     * F(6, 3) needs 8 products per 6 outputs where the transposed convolution does 12: a third fewer multiplications,
     * and one product weight per phase instead of ONNX Runtime's col2im pass. The Snake before it (the block's, whose
     * output feeds only this layer) runs inside the input transform when given. CPU sessions with AceForge's operators.
     */
    public V applyUpsampling(OnnxGraph g, V x, V weight, V bias, long cin, long cout, int stride, V[] snakeBefore) {
        if (r != 3) throw new IllegalArgumentException("upsampling needs F(m, 3), not F(" + m + ", " + r + ")");
        if (stride < 2 || stride % 2 != 0) throw new IllegalArgumentException("upsampling by Winograd needs an even stride, not " + stride);
        float[] b = inputMatrix(), a = outputMatrix();
        Attr[] in = {Attr.i("tile", m), Attr.i("dilation", 1)};
        V v = snakeBefore == null ? g.aceforgeOp("WinogradIn", in, x, g.constant(b, alpha, alpha))
                : g.aceforgeOp("SnakeWinogradIn", in, x, g.constant(b, alpha, alpha), snakeBefore[0], snakeBefore[1]);
        V products = g.matMul(kernelTransform(g, phaseTaps(g, weight, cin, cout, stride)), v);   // [α, B, cout·s, n]
        V zeros = bias != null ? bias : g.constant(new float[Math.toIntExact(cout)], cout);
        return g.aceforgeOp("WinogradOut", new Attr[]{Attr.i("dilation", 1), Attr.i("phases", stride)},
                products, g.constant(a, m, alpha), zeros, x);
    }

    /** The transposed convolution's weight [cin, cout, 2s] as s phases of 3 taps: [cout·s, cin, 3], row o·s + ρ. */
    static V phaseTaps(OnnxGraph g, V weight, long cin, long cout, int stride) {
        int half = stride / 2, zero = 2 * stride;                                        // index of an appended zero tap
        long[] index = new long[3 * stride];
        for (int rho = 0; rho < stride; rho++) {
            int k = rho + half;
            long[] taps = k < stride ? new long[]{k + stride, k, zero} : new long[]{zero, k, k - stride};
            System.arraycopy(taps, 0, index, 3 * rho, 3);
        }
        V padded = g.op("Pad", g.transpose(weight, 1, 0, 2), g.longs(0, 0, 0, 0, 0, 1));  // [cout, cin, 2s + 1]
        V taps = g.reshape(g.gather(padded, g.longs(index), 2), cout, cin, stride, 3);
        return g.reshape(g.transpose(taps, 0, 2, 1, 3), cout * stride, cin, 3);
    }

    /** Bᵀ [α × α] in float, row-major: the transform operators' {@code bt} input. */
    float[] inputMatrix() {
        float[] b = new float[alpha * alpha];
        for (int i = 0; i < alpha; i++) for (int j = 0; j < alpha; j++) b[i * alpha + j] = (float) bt[i][j];
        return b;
    }

    /** Aᵀ [m × α] in float, row-major: the transform operators' {@code at} input. */
    float[] outputMatrix() {
        float[] a = new float[m * alpha];
        for (int j = 0; j < m; j++) for (int i = 0; i < alpha; i++) a[j * alpha + i] = (float) at[j][i];
        return a;
    }

    /** U = G·w per channel pair, as [α, 1, cout, cin] (ONNX Runtime folds it at load: w is a weight). */
    private V kernelTransform(OnnxGraph g, V weight) {
        float[] gT = new float[r * alpha];
        for (int a = 0; a < alpha; a++) for (int k = 0; k < r; k++) gT[k * alpha + a] = (float) gt[a][k];
        V u = g.matMul(weight, g.constant(gT, r, alpha));                               // [cout, cin, α]
        return g.unsqueeze(g.transpose(u, 2, 0, 1), 1);
    }

    /** Bᵀ for every input channel, laid out as the grouped convolution's (kernelRows, m) kernels. */
    private float[] inputTransform(long cin, int kernelRows) {
        int per = kernelRows * m;
        float[] w = new float[Math.toIntExact(cin * alpha * per)];
        for (int c = 0; c < cin; c++)
            for (int a = 0; a < alpha; a++)
                for (int i = 0; i < alpha; i++) w[(c * alpha + a) * per + i] = (float) bt[a][i];
        return w;
    }

    /** Aᵀ for every output channel, laid out as the grouped ConvTranspose's (m, 1) kernels. */
    private float[] outputTransform(long cout) {
        float[] w = new float[Math.toIntExact(cout * alpha * m)];
        for (int c = 0; c < cout; c++)
            for (int a = 0; a < alpha; a++)
                for (int j = 0; j < m; j++) w[(c * alpha + a) * m + j] = (float) at[j][a];
        return w;
    }

    /** Rows [1, p, p², …] for each finite point and [0, …, 0, 1] for ∞: [α × n]. */
    private static double[][] evaluation(double[] points, int n) {
        double[][] e = new double[points.length + 1][n];
        for (int i = 0; i < points.length; i++) {
            double p = 1;
            for (int j = 0; j < n; j++, p *= points[i]) e[i][j] = p;
        }
        e[points.length][n - 1] = 1;
        return e;
    }

    /** Gauss–Jordan with partial pivoting; the Vandermonde matrices here are at most 15 × 15. */
    private static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
            double[] swap = m[c]; m[c] = m[p]; m[p] = swap;
            double d = m[c][c];
            for (int j = 0; j < 2 * n; j++) m[c][j] /= d;
            for (int i = 0; i < n; i++) {
                if (i == c || m[i][c] == 0) continue;
                double f = m[i][c];
                for (int j = 0; j < 2 * n; j++) m[i][j] -= f * m[c][j];
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], n, inv[i], 0, n);
        return inv;
    }

    /** The transforms in double, for tests: y = Aᵀ[(G·w) ⊙ (Bᵀ·d)] for one tile of α inputs. */
    double[] tile(double[] w, double[] d) {
        double[] y = new double[m];
        for (int a = 0; a < alpha; a++) {
            double u = 0, v = 0;
            for (int k = 0; k < r; k++) u += gt[a][k] * w[k];
            for (int i = 0; i < alpha; i++) v += bt[a][i] * d[i];
            for (int j = 0; j < m; j++) y[j] += at[j][a] * u * v;
        }
        return y;
    }
}
