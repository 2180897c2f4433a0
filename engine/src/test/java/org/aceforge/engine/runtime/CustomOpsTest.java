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
}
