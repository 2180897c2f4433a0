package org.aceforge.engine.graph;

import java.util.Locale;

/**
 * How a Linear layer runs on INT8 weights in ONNX Runtime (ORT-OPS §5). Which is fastest depends on the CPU (VNNI or
 * not, cache sizes) and the rows per call; {@code runtime.Int8Choice} measures them on first use and keeps the choice.
 */
public enum Int8Kernel {
    /** {@code MatMulNBits} bits 8, blocks of 128, accuracy level 4: per-block weight scales, activations per row. */
    MATMUL_NBITS("nbits"),
    /** {@code DynamicQuantizeMatMul}: per-column weight scales, the activations quantized per tensor. */
    DYNAMIC_QUANTIZE_MATMUL("dqmm"),
    /** {@code DynamicQuantizeLinear} + {@code MatMulInteger} (u8 × s8) and a float rescale: the ONNX-standard path. */
    MATMUL_INTEGER("integer"),
    /**
     * {@code DynamicQuantizeMatMul} on weights in 7 bits (levels ±63, per-column scales). On AVX2 CPUs without VNNI,
     * ONNX Runtime multiplies u8 activations by s8 weights in pairs summed into int16, which saturates with full-range
     * weights (relative error 0.14 measured on a 2-core AMD EPYC) but cannot with |w| ≤ 64 (2 · 255 · 64 < 2¹⁵): the
     * fast path made exact again, at half the weight precision.
     */
    DYNAMIC_QUANTIZE_MATMUL_7("dqmm7"),
    /** {@code DynamicQuantizeLinear} + {@code MatMulInteger} on 7-bit weights, for the same reason. */
    MATMUL_INTEGER_7("integer7"),
    /**
     * {@code MatMulNBits} bits 4, blocks of 32, accuracy level 4: half the bytes of 8-bit for the 5 Hz LM's decode,
     * which reads every weight once per token. Never chosen automatically (the DiT's budget is for 8-bit).
     */
    MATMUL_NBITS4("nbits4");

    private final String id;

    Int8Kernel(String id) {
        this.id = id;
    }

    /** Whether the per-CPU measurement for the DiT may pick it (the 8-bit kernels). */
    public boolean automatic() {
        return this != MATMUL_NBITS4;
    }

    /** The weight levels either side of zero in the per-column form (127, or 63 for the 7-bit kernels). */
    public int columnLevels() {
        return this == DYNAMIC_QUANTIZE_MATMUL_7 || this == MATMUL_INTEGER_7 ? 63 : 127;
    }

    /** Whether it runs per-column weights (Int8Weights#columns): DynamicQuantizeMatMul and MatMulInteger, 8- or 7-bit. */
    public boolean perColumn() {
        return this != MATMUL_NBITS && this != MATMUL_NBITS4;
    }

    /** The full-range kernel a 7-bit one stands in for (itself for the others). */
    public Int8Kernel fullRange() {
        return switch (this) {
            case DYNAMIC_QUANTIZE_MATMUL_7 -> DYNAMIC_QUANTIZE_MATMUL;
            case MATMUL_INTEGER_7 -> MATMUL_INTEGER;
            default -> this;
        };
    }

    /** The short name users force it by ({@code nbits}, {@code dqmm}, {@code integer}, {@code dqmm7}, {@code integer7}). */
    public String id() {
        return id;
    }

    /** The kernel named {@code id}, or null for an unknown name. */
    public static Int8Kernel find(String id) {
        for (Int8Kernel k : values()) if (k.id.equals(id.toLowerCase(Locale.ROOT))) return k;
        return null;
    }
}
