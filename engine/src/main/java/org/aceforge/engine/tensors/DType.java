package org.aceforge.engine.tensors;

/** Element types found in checkpoint files, with their safetensors names and ONNX type codes. */
public enum DType {
    F32("F32", 4, 1),
    F16("F16", 2, 10),
    BF16("BF16", 2, 16),
    F64("F64", 8, 11),
    I64("I64", 8, 7),
    I32("I32", 4, 6),
    I8("I8", 1, 3),
    U8("U8", 1, 2),
    BOOL("BOOL", 1, 9);

    public final String safetensorsName;
    public final int byteSize;
    public final int onnxCode;

    DType(String safetensorsName, int byteSize, int onnxCode) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.onnxCode = onnxCode;
    }

    public static DType fromSafetensors(String name) {
        for (DType t : values()) if (t.safetensorsName.equals(name)) return t;
        throw new IllegalArgumentException("unsupported tensor dtype '" + name + "'");
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Half precision (IEEE binary16) to float. */
    public static float halfToFloat(short h) {
        return ai.onnxruntime.platform.Fp16Conversions.fp16ToFloat(h);
    }

    /** bfloat16 is the upper half of a float32. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
