package org.aceforge.engine.tensors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A set of named tensors, from one checkpoint file or several. */
public interface WeightSource {
    Map<String, TensorData> tensors();

    default boolean has(String name) {
        return tensors().containsKey(name);
    }

    default TensorData get(String name) {
        TensorData t = tensors().get(name);
        if (t == null) throw new MissingTensorException(name);
        return t;
    }

    default float[] floats(String name) {
        return get(name).toFloats();
    }

    default double[] doubles(String name) {
        return get(name).toDoubles();
    }

    /** The tensors whose names start with prefix, with the prefix removed. */
    default WeightSource sub(String prefix) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (var e : tensors().entrySet())
            if (e.getKey().startsWith(prefix)) m.put(e.getKey().substring(prefix.length()), e.getValue());
        return () -> m;
    }

    default WeightSource filter(Predicate<String> keep) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        tensors().forEach((k, v) -> { if (keep.test(k)) m.put(k, v); });
        return () -> m;
    }

    static WeightSource merge(List<? extends WeightSource> parts) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (WeightSource p : parts) m.putAll(p.tensors());
        return () -> m;
    }

    /**
     * Drops the tensors this source computed from its checkpoint (the INT8 forms of {@code graph.Int8Weights}) once a
     * session has taken its own copy of them; they are computed again if asked for. Returns the bytes dropped (0 for a
     * source that derives nothing).
     */
    default long releaseDerived() {
        return 0;
    }

    /** A tensor a network needs is not in the checkpoint. */
    final class MissingTensorException extends IllegalArgumentException {
        public MissingTensorException(String name) {
            super("checkpoint has no tensor '" + name + "'");
        }
    }
}
