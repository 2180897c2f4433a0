package org.aceforge.engine.runtime.gpu;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

import java.util.List;
import java.util.OptionalLong;

/**
 * The NVIDIA driver's management library (NVML, {@code libnvidia-ml}), through JNA: the memory of GPU 0 without
 * starting a CUDA context (which would take memory of its own). Absent on machines without the NVIDIA driver; then
 * {@link #totalMemory()} is empty and the caller falls back to {@code nvidia-smi} or the CPU.
 */
public final class Nvml {
    private Nvml() {}

    /** The few NVML calls needed (return codes: 0 = NVML_SUCCESS). */
    interface Lib extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetMemoryInfo(Pointer device, Memory memory);
    }

    /** nvmlMemory_t: total, free and used bytes. */
    public static final class Memory extends Structure {
        public long total, free, used;

        @Override
        protected List<String> getFieldOrder() {
            return List.of("total", "free", "used");
        }
    }

    /** Total memory of GPU 0 in bytes; empty without the driver, without a GPU, or on any NVML error. */
    public static OptionalLong totalMemory() {
        Lib lib;
        try {
            lib = Native.load("nvidia-ml", Lib.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return OptionalLong.empty();
        }
        try {
            if (lib.nvmlInit_v2() != 0) return OptionalLong.empty();
            try {
                PointerByReference device = new PointerByReference();
                if (lib.nvmlDeviceGetHandleByIndex_v2(0, device) != 0) return OptionalLong.empty();
                Memory m = new Memory();
                if (lib.nvmlDeviceGetMemoryInfo(device.getValue(), m) != 0 || m.total <= 0) return OptionalLong.empty();
                return OptionalLong.of(m.total);
            } finally {
                lib.nvmlShutdown();
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return OptionalLong.empty();
        }
    }
}
