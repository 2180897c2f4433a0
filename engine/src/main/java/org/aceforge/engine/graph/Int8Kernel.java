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

    /** The short name users force it by ({@code nbits}, {@code dqmm}, {@code integer}). */
    public String id() {
        return id;
    }

    /** The kernel named {@code id}, or null for an unknown name. */
    public static Int8Kernel find(String id) {
        for (Int8Kernel k : values()) if (k.id.equals(id.toLowerCase(Locale.ROOT))) return k;
        return null;
    }
}
