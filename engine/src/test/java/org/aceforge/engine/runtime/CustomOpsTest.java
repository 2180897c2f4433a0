package org.aceforge.engine.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** A missing, damaged or switched-off operator library leaves the engine on standard operators, never broken. */
class CustomOpsTest {
    @AfterEach
    void restore() {
        System.clearProperty("aceforge.ortops");
        CustomOps.reprobe();
    }

    @Test
    void switchedOff() {
        System.setProperty("aceforge.ortops", "off");
        CustomOps.reprobe();
        assertFalse(CustomOps.available(OrtRuntime.Device.CPU));
    }

    @Test
    void missingOrDamagedLibrary(@TempDir Path dir) throws Exception {
        System.setProperty("aceforge.ortops", dir.resolve("absent.so").toString());
        CustomOps.reprobe();
        assertFalse(CustomOps.available(OrtRuntime.Device.CPU));
        Path junk = Files.writeString(dir.resolve("junk.so"), "not a library");
        System.setProperty("aceforge.ortops", junk.toString());
        CustomOps.reprobe();
        assertFalse(CustomOps.available(OrtRuntime.Device.CPU));
    }

    /**
     * Sessions of graphs with AceForge's threaded operators (and only those) are told apart, to turn ONNX Runtime's
     * spinning off; the transformer's single-threaded ones keep it.
     */
    @Test
    void tellsGraphsThatUseTheOperators() {
        org.aceforge.engine.graph.OnnxGraph plain = new org.aceforge.engine.graph.OnnxGraph("plain");
        var x = plain.input("x", org.aceforge.engine.tensors.DType.F32, 4L);
        plain.output(plain.op("Relu", x), "y", org.aceforge.engine.tensors.DType.F32, 4L);
        assertFalse(CustomOps.usedBy(plain.toModelBytes()));
        org.aceforge.engine.graph.OnnxGraph own = new org.aceforge.engine.graph.OnnxGraph("own");
        var z = own.input("x", org.aceforge.engine.tensors.DType.F32, 1L, 2L, 4L);
        own.output(own.aceforgeOp("Snake", z, own.constant(new float[]{1, 1}, 2), own.constant(new float[]{1, 1}, 2)), "y",
                org.aceforge.engine.tensors.DType.F32, 1L, 2L, 4L);
        org.junit.jupiter.api.Assertions.assertTrue(CustomOps.usedBy(own.toModelBytes()));
        assertFalse(CustomOps.usedBy(new byte[]{1, 2, 3}), "not a model");
        org.aceforge.engine.graph.OnnxGraph layers = new org.aceforge.engine.graph.OnnxGraph("layers");
        var gu = layers.input("gu", org.aceforge.engine.tensors.DType.F32, 1L, 2L, 4L);
        layers.output(layers.aceforgeOp("SwiGlu", gu), "y", org.aceforge.engine.tensors.DType.F32, 1L, 2L, 2L);
        assertFalse(CustomOps.usedBy(layers.toModelBytes()), "SwiGlu runs on ONNX Runtime's thread");
    }
}
