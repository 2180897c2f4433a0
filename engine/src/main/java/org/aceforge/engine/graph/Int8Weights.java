package org.aceforge.engine.graph;

import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * INT8 weights for ONNX Runtime's {@code MatMulNBits} (bits 8, blocks of 128 along the input, accuracy level 4): a
 * Linear weight W [out, in] is stored row by row as uint8 q + 128 with one scale per block of 128 inputs
 * (max |w| / 127, symmetric), zero-padded to whole blocks. Per-block scales keep the error at about 8e-3 per matmul,
 * at about 2× the fp32 speed at the DiT's shapes and 8–10× at one token (LM decode) on this CPU (ORT-OPS §5).
 * ({@code DynamicQuantizeMatMul} with per-column scales is faster at M = 750 but its per-tensor activation
 * quantization gave 6–8 % error through two layers here.)
 * <p>
 * As a weight source it holds the checkpoint's tensors plus the derived {@code NAME:int8} and {@code NAME:int8_scale}
 * tensors, computed on first use (a cached graph asks for them by name when its session opens).
 */
public final class Int8Weights implements WeightSource {
    public static final String SUFFIX = ":int8", SCALE_SUFFIX = ":int8_scale";
    /** The per-column form ({@code DynamicQuantizeMatMul}, {@code MatMulInteger}): int8 Wᵀ [in, out], one scale per output. */
    public static final String COLUMNS_SUFFIX = ":int8col", COLUMNS_SCALE_SUFFIX = ":int8col_scale";
    /** The per-column form in 7 bits (levels ±63) for the kernels that saturate on AVX2 otherwise (Int8Kernel). */
    public static final String COLUMNS7_SUFFIX = ":int7col", COLUMNS7_SCALE_SUFFIX = ":int7col_scale";
    /** Narrow layers gain nothing and lose precision: only matmuls with at least this many inputs are quantized. */
    public static final int MIN_INPUTS = 128;
    public static final int BLOCK = 128;
    /** The 4-bit form ({@code MatMulNBits} bits 4): two values per byte, blocks of 32 inputs, one scale per block. */
    public static final String NIBBLES_SUFFIX = ":int4", NIBBLES_SCALE_SUFFIX = ":int4_scale";
    public static final int BLOCK4 = 32;
    private final WeightSource base;
    private final Int8Kernel kernel;
    private final Map<String, TensorData> derived = new ConcurrentHashMap<>();
    private final DerivedStore store;
    /**
     * Bump when the bytes of any derived form change (rounding, layout, scales): stored forms carry it, so a newer
     * quantizer never reads an older one's files.
     */
    public static final int QUANTIZER_VERSION = 1;

    public Int8Weights(WeightSource base) {
        this(base, Int8Kernel.MATMUL_NBITS);
    }

    /** The weights for a given kernel (each kernel reads its own derived form, made on first use). */
    public Int8Weights(WeightSource base, Int8Kernel kernel) {
        this(base, kernel, null);
    }

    /**
     * As above, keeping each derived form in {@code store} (null: nowhere) and reading it from there when it holds
     * one: quantizing the full DiT takes ~10 s of a first render on 2 cores, reading its 1.4 GB of forms back ~1 s.
     */
    public Int8Weights(WeightSource base, Int8Kernel kernel, DerivedStore store) {
        this.base = base;
        this.kernel = kernel;
        this.store = store;
    }

    /** How the graph runs these weights. */
    public Int8Kernel kernel() {
        return kernel;
    }

    @Override
    public Map<String, TensorData> tensors() {
        return base.tensors();
    }

    @Override
    public boolean has(String name) {
        if (base.has(name)) return true;
        String b = derivedBase(name);
        if (b == null) return false;
        for (String part : b.split(JOIN_PATTERN)) if (!base.has(part)) return false;
        return true;
    }

    @Override
    public TensorData get(String name) {
        String b = derivedBase(name);
        if (b == null) return base.get(name);
        String suffix = name.substring(b.length());
        return b.contains(JOIN) ? joined(b.split(JOIN_PATTERN), suffix) : derived(base.get(b), suffix);
    }

    /** Joins the names of weights quantized as one matrix (OnnxGraph#linears): {@code a.weight|b.weight:int8col}. */
    public static final String JOIN = "|";
    private static final String JOIN_PATTERN = java.util.regex.Pattern.quote(JOIN);

    /** The per-column form of several weights [out_i, in] side by side: int8 [in, Σ out_i] (each column as alone). */
    public TensorData joinedColumns(TensorData... ws) {
        return get(joinedName(ws) + (kernel.columnLevels() == 63 ? COLUMNS7_SUFFIX : COLUMNS_SUFFIX));
    }

    /** The per-output scales [Σ out_i] of {@link #joinedColumns}. */
    public TensorData joinedColumnScales(TensorData... ws) {
        return get(joinedName(ws) + (kernel.columnLevels() == 63 ? COLUMNS7_SCALE_SUFFIX : COLUMNS_SCALE_SUFFIX));
    }

    private static String joinedName(TensorData... ws) {
        return String.join(JOIN, java.util.Arrays.stream(ws).map(TensorData::name).toList());
    }

    /**
     * The joined form: each weight's own per-column form, placed side by side row by row (a column's scale is its own
     * output's, so joining changes no value). The parts are dropped once joined unless they existed before.
     */
    private synchronized TensorData joined(String[] names, String suffix) {
        String key = String.join(JOIN, names) + suffix;
        TensorData have = derived.get(key);
        if (have != null) return have;
        boolean scales = suffix.endsWith("_scale");
        String matrixSuffix = scales ? suffix.substring(0, suffix.length() - "_scale".length()) : suffix;
        if (!matrixSuffix.equals(COLUMNS_SUFFIX) && !matrixSuffix.equals(COLUMNS7_SUFFIX))
            throw new IllegalArgumentException("only the per-column forms join: " + key);
        java.util.Set<String> before = new java.util.HashSet<>(derived.keySet());
        TensorData[] matrices = new TensorData[names.length], scaleParts = new TensorData[names.length];
        long in = -1, total = 0;
        for (int i = 0; i < names.length; i++) {
            TensorData w = base.get(names[i]);
            matrices[i] = derived(w, matrixSuffix);
            scaleParts[i] = derived(w, matrixSuffix + "_scale");
            if (in >= 0 && matrices[i].shape()[0] != in) throw new IllegalArgumentException("joined weights differ in inputs: " + key);
            in = matrices[i].shape()[0];
            total += matrices[i].shape()[1];
        }
        String base = String.join(JOIN, names);
        ByteBuffer q = ByteBuffer.allocateDirect(Math.toIntExact(in * total)).order(ByteOrder.LITTLE_ENDIAN);
        float[] s = new float[Math.toIntExact(total)];
        int at = 0;
        for (int i = 0; i < names.length; i++) {
            int out = (int) matrices[i].shape()[1];
            ByteBuffer part = matrices[i].bytes().duplicate();
            for (int k = 0; k < in; k++) q.put(Math.toIntExact(k * total + at), part, k * out, out);
            System.arraycopy(scaleParts[i].toFloats(), 0, s, at, out);
            at += out;
        }
        derived.put(base + matrixSuffix, new TensorData(base + matrixSuffix, DType.I8, new long[]{in, total}, q));
        derived.put(base + matrixSuffix + "_scale", TensorData.ofFloats(base + matrixSuffix + "_scale", s, total));
        for (String name : names)
            for (String sfx : new String[]{matrixSuffix, matrixSuffix + "_scale"})
                if (!before.contains(name + sfx)) derived.remove(name + sfx);
        return derived.get(key);
    }

    /**
     * Drops every derived form. A session copies its weights when it opens (ONNX Runtime's AddExternalInitializers:
     * "the user provided buffers can then be deallocated"), so after that these are a second copy: 1.5 GB for the
     * full-size INT8 DiT. A session opened later (the lyric-alignment form of the DiT, a session reopened after an
     * offload) quantizes again what it needs.
     */
    @Override
    public synchronized long releaseDerived() {
        long bytes = 0;
        for (TensorData t : derived.values()) bytes += t.bytes().capacity();
        derived.clear();
        return bytes;
    }

    /** One derived form of a weight ({@code suffix}: one of the four), made on first use. */
    private synchronized TensorData derived(TensorData w, String suffix) {
        if (!derived.containsKey(w.name() + suffix)) {
            String[] pair = pairOf(suffix);
            if (store != null && restore(w, pair)) return derived.get(w.name() + suffix);
            make(w, suffix);
            if (store != null) for (String sfx : pair) store.save(derived.get(w.name() + sfx), w);
        }
        return derived.get(w.name() + suffix);
    }

    /** A form and its scales, both from the store, or neither. */
    private boolean restore(TensorData w, String[] pair) {
        TensorData form = store.load(w.name() + pair[0], w), scales = form == null ? null : store.load(w.name() + pair[1], w);
        if (form == null || scales == null) return false;
        derived.put(form.name(), form);
        derived.put(scales.name(), scales);
        return true;
    }

    /** The suffixes of a form and of its scales, for either of the two. */
    private static String[] pairOf(String suffix) {
        for (String[] p : new String[][]{{SUFFIX, SCALE_SUFFIX}, {COLUMNS_SUFFIX, COLUMNS_SCALE_SUFFIX},
                {COLUMNS7_SUFFIX, COLUMNS7_SCALE_SUFFIX}, {NIBBLES_SUFFIX, NIBBLES_SCALE_SUFFIX}})
            if (p[0].equals(suffix) || p[1].equals(suffix)) return p;
        throw new IllegalArgumentException("no derived form " + suffix);
    }

    private void make(TensorData w, String suffix) {
        if (suffix.equals(COLUMNS_SUFFIX) || suffix.equals(COLUMNS_SCALE_SUFFIX)) quantizeColumns(w, 127, COLUMNS_SUFFIX, COLUMNS_SCALE_SUFFIX);
        else if (suffix.equals(COLUMNS7_SUFFIX) || suffix.equals(COLUMNS7_SCALE_SUFFIX)) quantizeColumns(w, 63, COLUMNS7_SUFFIX, COLUMNS7_SCALE_SUFFIX);
        else if (suffix.equals(NIBBLES_SUFFIX) || suffix.equals(NIBBLES_SCALE_SUFFIX)) quantizeNibbles(w);
        else quantize(w);
    }

    /**
     * Wᵀ as int8 [in, out] with one symmetric scale per output (max |w| / levels of its row of W; levels 127, or 63
     * for this source's kernel if it is a 7-bit one).
     */
    public TensorData columns(TensorData w) {
        return derived(w, kernel.columnLevels() == 63 ? COLUMNS7_SUFFIX : COLUMNS_SUFFIX);
    }

    /** The per-output scales [out] of {@link #columns}. */
    public TensorData columnScales(TensorData w) {
        return derived(w, kernel.columnLevels() == 63 ? COLUMNS7_SCALE_SUFFIX : COLUMNS_SCALE_SUFFIX);
    }

    private synchronized void quantizeColumns(TensorData w, int levels, String suffix, String scaleSuffix) {
        if (derived.containsKey(w.name() + suffix)) return;
        int out = (int) w.shape()[0], in = (int) w.shape()[1];
        byte[] t = new byte[Math.multiplyExact(out, in)];
        float[] scale = new float[out];
        // Rows in blocks of 64, the blocks on every core; each block is quantized row by row into its columns (a tile
        // of 128 KB at 2 048 inputs, which stays in cache), then written out 64 bytes at a time (one byte per row with a
        // stride of `out` made this the slowest part of opening an INT8 DiT: ~18 s of 90 on a 2-core AVX2 machine).
        int rows = 64;
        IntStream.range(0, (out + rows - 1) / rows).parallel().forEach(blk -> {
            int from = blk * rows, to = Math.min(out, from + rows), h = to - from;
            float[] row = new float[in];
            byte[] tile = new byte[h * in];   // the block's columns: tile[k · h + r] is row from + r, input k
            for (int n = from; n < to; n++) {
                rowOf(w, n, in, row);
                float sc = symmetricScale(row, 0, in, levels), inv = 1f / sc;
                scale[n] = sc;
                int r = n - from;
                for (int k = 0; k < in; k++) tile[k * h + r] = (byte) rounded(row[k] * inv, levels);
            }
            for (int k = 0; k < in; k++) System.arraycopy(tile, k * h, t, k * out + from, h);
        });
        ByteBuffer q = ByteBuffer.allocateDirect(t.length).order(ByteOrder.LITTLE_ENDIAN);
        q.put(0, t);
        derived.put(w.name() + scaleSuffix, TensorData.ofFloats(w.name() + scaleSuffix, scale, out));
        derived.put(w.name() + suffix, new TensorData(w.name() + suffix, DType.I8, new long[]{in, out}, q));
    }

    /** The 4-bit matrix uint8 [out, blocks, 16] of a Linear weight [out, in]: q + 8 in [1, 15], low nibble first. */
    public TensorData nibbles(TensorData w) {
        return derived(w, NIBBLES_SUFFIX);
    }

    /** The per-block scales [out · blocks of 32] of {@link #nibbles}. */
    public TensorData nibbleScales(TensorData w) {
        return derived(w, NIBBLES_SCALE_SUFFIX);
    }

    private synchronized void quantizeNibbles(TensorData w) {
        if (derived.containsKey(w.name() + NIBBLES_SUFFIX)) return;
        int out = (int) w.shape()[0], in = (int) w.shape()[1], blocks = (in + BLOCK4 - 1) / BLOCK4;
        ByteBuffer q = ByteBuffer.allocateDirect(Math.multiplyExact(out, blocks * BLOCK4 / 2)).order(ByteOrder.LITTLE_ENDIAN);
        float[] scale = new float[out * blocks];
        float[] row = new float[in];
        for (int n = 0; n < out; n++) {
            rowOf(w, n, in, row);
            for (int b = 0; b < blocks; b++) {
                int from = b * BLOCK4, to = Math.min(in, from + BLOCK4);
                // Symmetric levels -7..7 (the default zero point of 8 is the middle); padding inputs are zeros.
                float s = symmetricScale(row, from, to, 7), inv = 1f / s;
                scale[n * blocks + b] = s;
                int at = (n * blocks + b) * (BLOCK4 / 2);
                for (int k = 0; k < BLOCK4; k += 2)
                    q.put(at + k / 2, (byte) ((level(row, from + k, to, inv, 7) + 8) | ((level(row, from + k + 1, to, inv, 7) + 8) << 4)));
            }
        }
        derived.put(w.name() + NIBBLES_SCALE_SUFFIX, TensorData.ofFloats(w.name() + NIBBLES_SCALE_SUFFIX, scale, (long) out * blocks));
        derived.put(w.name() + NIBBLES_SUFFIX, new TensorData(w.name() + NIBBLES_SUFFIX, DType.U8, new long[]{out, blocks, BLOCK4 / 2}, q));
    }

    /** max |row[from, to)| / levels (1 for an all-zero block, whose levels are then all 0). */
    private static float symmetricScale(float[] row, int from, int to, int levels) {
        float max = 0;
        for (int k = from; k < to; k++) max = Math.max(max, Math.abs(row[k]));
        return max == 0 ? 1f : max / levels;
    }

    /** row[k] in steps of 1/inv, clamped to ±levels; 0 past the row's end (the padding of the last block). */
    private static int level(float[] row, int k, int to, float inv, int levels) {
        return k < to ? rounded(row[k] * inv, levels) : 0;
    }

    /**
     * {@code Math.round(x)} clamped to ±levels. Computed as floor(x + 0.5) in double — exact for a float, so the same
     * integer as Math.round(float) (ties upwards, NaN → 0) — because the JIT turns Math.floor into one instruction,
     * where Math.round(float) stays a branchy bit-level routine: the quantizer ran at ~8 ns per weight on a core.
     */
    static int rounded(float x, int levels) {
        return Math.max(-levels, Math.min(levels, (int) Math.floor((double) x + 0.5)));
    }

    private static String derivedBase(String name) {
        if (name.endsWith(NIBBLES_SCALE_SUFFIX)) return name.substring(0, name.length() - NIBBLES_SCALE_SUFFIX.length());
        if (name.endsWith(NIBBLES_SUFFIX)) return name.substring(0, name.length() - NIBBLES_SUFFIX.length());
        if (name.endsWith(COLUMNS7_SCALE_SUFFIX)) return name.substring(0, name.length() - COLUMNS7_SCALE_SUFFIX.length());
        if (name.endsWith(COLUMNS7_SUFFIX)) return name.substring(0, name.length() - COLUMNS7_SUFFIX.length());
        if (name.endsWith(COLUMNS_SCALE_SUFFIX)) return name.substring(0, name.length() - COLUMNS_SCALE_SUFFIX.length());
        if (name.endsWith(COLUMNS_SUFFIX)) return name.substring(0, name.length() - COLUMNS_SUFFIX.length());
        if (name.endsWith(SCALE_SUFFIX)) return name.substring(0, name.length() - SCALE_SUFFIX.length());
        if (name.endsWith(SUFFIX)) return name.substring(0, name.length() - SUFFIX.length());
        return null;
    }

    /** Whether a Linear weight is worth quantizing. */
    public static boolean eligible(TensorData w) {
        return w.shape().length == 2 && w.shape()[1] >= MIN_INPUTS;
    }

    /** The uint8 [out, blocks, 128] matrix of a Linear weight [out, in]. */
    public TensorData quantized(TensorData w) {
        return derived(w, SUFFIX);
    }

    /** The per-block scales [out · blocks]. */
    public TensorData scales(TensorData w) {
        return derived(w, SCALE_SUFFIX);
    }

    public static int blocks(TensorData w) {
        return (int) ((w.shape()[1] + BLOCK - 1) / BLOCK);
    }

    private synchronized void quantize(TensorData w) {
        if (derived.containsKey(w.name() + SUFFIX)) return;
        int out = (int) w.shape()[0], in = (int) w.shape()[1], blocks = blocks(w);
        ByteBuffer q = ByteBuffer.allocateDirect(Math.multiplyExact(out, blocks * BLOCK)).order(ByteOrder.LITTLE_ENDIAN);
        float[] scale = new float[out * blocks];
        // Rows on every core (each writes its own stretch of q).
        IntStream.range(0, out).parallel().forEach(n -> {
            float[] row = new float[in];
            rowOf(w, n, in, row);
            for (int b = 0; b < blocks; b++) {
                int from = b * BLOCK, to = Math.min(in, from + BLOCK);
                float s = symmetricScale(row, from, to, 127), inv = 1f / s;
                scale[n * blocks + b] = s;
                int at = (n * blocks + b) * BLOCK;
                for (int k = 0; k < BLOCK; k++) q.put(at + k, (byte) (level(row, from + k, to, inv, 127) + 128));
            }
        });
        derived.put(w.name() + SCALE_SUFFIX, TensorData.ofFloats(w.name() + SCALE_SUFFIX, scale, (long) out * blocks));
        derived.put(w.name() + SUFFIX, new TensorData(w.name() + SUFFIX, DType.U8, new long[]{out, blocks, BLOCK}, q));
    }

    /** Row n of a [out, in] weight in any stored float type, as float32 (bulk reads: this runs for every weight). */
    private static void rowOf(TensorData w, int n, int in, float[] row) {
        ByteBuffer b = w.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (w.dtype()) {
            case F32 -> b.asFloatBuffer().get(n * in, row, 0, in);
            case F16, BF16 -> {
                short[] raw = new short[in];
                b.asShortBuffer().get(n * in, raw, 0, in);
                boolean half = w.dtype() == DType.F16;
                for (int k = 0; k < in; k++) row[k] = half ? DType.halfToFloat(raw[k]) : DType.bf16ToFloat(raw[k]);
            }
            default -> throw new IllegalArgumentException(w.name() + ": cannot quantize " + w.dtype());
        }
    }
}
