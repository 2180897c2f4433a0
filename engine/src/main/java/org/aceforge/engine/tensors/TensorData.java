package org.aceforge.engine.tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A view of one stored tensor: element type, shape and its little-endian bytes (usually a slice of a memory-mapped
 * file, never copied until a conversion is asked for).
 */
public record TensorData(String name, DType dtype, long[] shape, ByteBuffer bytes) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public int[] intShape() {
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    /** Elements converted to float (f32 read directly; f16/bf16/f64 converted). */
    public float[] toFloats() {
        int n = Math.toIntExact(elementCount());
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> { for (int i = 0; i < n; i++) out[i] = DType.halfToFloat(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = DType.bf16ToFloat(b.getShort(i * 2)); }
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            default -> throw new IllegalStateException("tensor " + name + " is " + dtype + ", not a float tensor");
        }
        return out;
    }

    public double[] toDoubles() {
        if (dtype == DType.F64) {
            int n = Math.toIntExact(elementCount());
            double[] out = new double[n];
            bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            return out;
        }
        float[] f = toFloats();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    public long[] toLongs() {
        int n = Math.toIntExact(elementCount());
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        switch (dtype) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new IllegalStateException("tensor " + name + " is " + dtype + ", not an integer tensor");
        }
        return out;
    }

    public static TensorData ofFloats(String name, float[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return new TensorData(name, DType.F32, shape, b);
    }

    public static TensorData ofLongs(String name, long[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return new TensorData(name, DType.I64, shape, b);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
