package org.aceforge.engine.tensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a render's intermediate tensors as .npy for debugging and comparison with other implementations. */
public final class TensorDump {
    private final Path dir;

    public TensorDump(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public void write(String name, Tensor3 t) throws IOException {
        Npy.write(dir.resolve(name + ".npy"), t.toTensorData(name));
    }
}
