package org.aceforge.engine.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * How much memory renders can use: the GPU's (from NVML through JNA, else {@code nvidia-smi}, when the CUDA device is
 * used) or the free RAM
 * (from /proc/meminfo's MemAvailable, or what a control group's limit leaves when that is less — a container's; else
 * the JVM's view). {@code AF_MAX_GPU_GB} pretends a smaller GPU (as the
 * reference's MAX_CUDA_VRAM does), for trying a tier; {@code AF_MEMORY_GB} (or the system property
 * {@code aceforge.memoryGb}) fixes the figure for any device (reproducible runs, tests).
 *
 * @param device "cuda" or "cpu"
 */
public record MachineMemory(String device, long bytes, String source) {

    /** The memory of the device renders run on. */
    /** The process's resident high-water mark in MB (Linux VmHWM; elsewhere the heap in use). */
    public static long peakResidentMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the heap
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    public static MachineMemory detect(OrtRuntime.Device device) {
        String fixed = System.getProperty("aceforge.memoryGb", System.getenv("AF_MEMORY_GB"));
        if (fixed != null && !fixed.isBlank())
            return new MachineMemory(device == OrtRuntime.Device.CUDA ? "cuda" : "cpu", (long) (Double.parseDouble(fixed) * 1e9), "AF_MEMORY_GB");
        if (device == OrtRuntime.Device.CUDA) {
            String cap = System.getenv("AF_MAX_GPU_GB");
            if (cap != null && !cap.isBlank()) return new MachineMemory("cuda", (long) (Double.parseDouble(cap) * 1e9), "AF_MAX_GPU_GB");
            java.util.OptionalLong nvml = org.aceforge.engine.runtime.gpu.Nvml.totalMemory();
            if (nvml.isPresent()) return new MachineMemory("cuda", nvml.getAsLong(), "NVML");
            Long smi = nvidiaSmi();
            if (smi != null) return new MachineMemory("cuda", smi, "nvidia-smi");
        }
        Long avail = memAvailable(Path.of("/proc/meminfo")), limited = CgroupMemory.available();
        if (limited != null && (avail == null || limited < avail)) return new MachineMemory("cpu", limited, CGROUP);
        if (avail != null) return new MachineMemory("cpu", avail, MEM_AVAILABLE);
        Runtime rt = Runtime.getRuntime();
        return new MachineMemory("cpu", rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()), "JVM heap");
    }

    /** The source of a figure read from /proc/meminfo. */
    public static final String MEM_AVAILABLE = "/proc/meminfo MemAvailable";

    /** The source of a figure from a control group's limit (a container's): see {@link CgroupMemory}. */
    public static final String CGROUP = "the memory limit of this process's control group";

    /**
     * The memory a render can count on when this process already holds {@code ownBytes} (its anonymous resident
     * memory: the open models' weights, ONNX Runtime's arenas — what the next render reuses, or frees to open other
     * models). Free RAM alone shrinks by the models once they are open: on a 24 GB machine the first render of a
     * session saw 24.7 GB free and the second 13 GB, so the second fell to a smaller tier (a smaller LM, smaller
     * batch groups) and freed its models between stages, which the third then opened again (about 20 s; one render in
     * three took twice as long — docs/benchmarks.md, 2026-12-01 seventh). Only a CPU figure read from MemAvailable or
     * from a control group's room changes (the group's anonymous memory includes ours): a GPU's is its total memory,
     * and a fixed figure (AF_MEMORY_GB, tests) stays as given.
     */
    public MachineMemory withOwn(Long ownBytes) {
        if (ownBytes == null || ownBytes <= 0 || !device.equals("cpu") || !(source.equals(MEM_AVAILABLE) || source.equals(CGROUP))) return this;
        return new MachineMemory(device, bytes + ownBytes,
                source + String.format(java.util.Locale.ROOT, " + %.1f GB this process holds", ownBytes / 1e9));
    }

    /** This process's anonymous resident memory in bytes (Linux RssAnon), or null where it cannot be read. */
    public static Long ownAnonymousBytes() {
        return ownAnonymousBytes(Path.of("/proc/self/status"));
    }

    /** RssAnon of a /proc status file, in bytes; null when absent. */
    public static Long ownAnonymousBytes(Path status) {
        return kilobytes(status, "RssAnon:");
    }

    public MemoryTier tier() {
        return device.equals("cuda") ? MemoryTier.forGpu(bytes) : MemoryTier.forCpu(bytes);
    }

    /** Total memory of GPU 0 in bytes, or null when nvidia-smi is absent or says nothing usable. */
    static Long nvidiaSmi() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) { p.destroyForcibly(); return null; }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0 || out.isEmpty()) return null;
            return Long.parseLong(out.lines().findFirst().orElse("").strip()) * 1024 * 1024;   // MiB
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** MemAvailable of a meminfo file, in bytes; null when absent. */
    static Long memAvailable(Path meminfo) {
        return kilobytes(meminfo, "MemAvailable:");
    }

    /** A "Field:  N kB" line of a /proc file, in bytes; null when the file or the field is absent. */
    private static Long kilobytes(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file))
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
