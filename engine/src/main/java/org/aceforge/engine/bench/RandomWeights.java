package org.aceforge.engine.bench;

import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Off-heap random float32 tensors for benchmarking full-size graphs without checkpoint files. */
final class RandomWeights {
    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final SplittableRandom rnd = new SplittableRandom(42);

    void add(String name, double scale, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = b.asFloatBuffer();
        for (long i = 0; i < n; i++) f.put((float) ((rnd.nextDouble() * 2 - 1) * scale));
        tensors.put(name, new TensorData(name, org.aceforge.engine.tensors.DType.F32, shape, b));
    }

    void ones(String name, long n) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) b.putFloat(1f);
        b.flip();
        tensors.put(name, new TensorData(name, org.aceforge.engine.tensors.DType.F32, new long[]{n}, b));
    }

    void linear(String name, long out, long in, boolean bias) {
        add(name + ".weight", Math.sqrt(3.0 / in), out, in);
        if (bias) add(name + ".bias", 0.02, out);
    }

    WeightSource source() {
        return () -> tensors;
    }
}
