package org.aceforge.engine.runtime;

import org.aceforge.engine.runtime.gpu.Nvml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU's memory through NVML where the driver is, nothing (and no failure) where it is not; RAM from meminfo. */
class NvmlTest {
    @Test
    void nvmlAnswersOrStaysSilent() {
        var total = Nvml.totalMemory();
        boolean driver = Files.exists(Path.of("/proc/driver/nvidia"));
        if (!driver) assertTrue(total.isEmpty(), "no NVIDIA driver here: nothing to report");
        else assertTrue(total.isEmpty() || total.getAsLong() > 1_000_000_000L);
    }

    @Test
    void freeRamFromMeminfo() throws Exception {
        Path f = Files.createTempFile("meminfo", "");
        Files.writeString(f, "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   16000000 kB\n");
        assertEquals(16_000_000L * 1024, MachineMemory.memAvailable(f));
        Files.delete(f);
    }
}
