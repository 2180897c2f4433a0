package org.aceforge.engine.graph;

import org.aceforge.engine.tensors.TensorData;

/**
 * Where {@link Int8Weights} keeps the forms it derives from a checkpoint between processes, so a model opened again
 * reads them instead of quantizing again (runtime.QuantizedCache: files under the cache folder). Implementations
 * never throw: a form they cannot give back is null, one they cannot keep is dropped.
 */
public interface DerivedStore {
    /** The derived tensor {@code name} made from {@code source} earlier, or null. */
    TensorData load(String name, TensorData source);

    /** Keeps {@code derived}, made from {@code source}, for a later {@link #load}. */
    void save(TensorData derived, TensorData source);
}
