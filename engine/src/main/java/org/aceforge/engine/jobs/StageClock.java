package org.aceforge.engine.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Time and peak memory of each stage of a render, for the sidecar's {@code timing} section. Peak memory is the
 * process's resident high-water mark (Linux {@code VmHWM}), reset at the start of each stage through
 * {@code /proc/self/clear_refs}; where that is not available the JVM heap in use is reported instead. One render at a
 * time per process gives per-stage figures; concurrent renders share the process's peak.
 */
final class StageClock {
    private final List<StageTime> stages = new ArrayList<>();
    private String current;
    private long started;

    /** Ends the running stage (if any) and starts {@code name}. */
    synchronized void start(String name) {
        end();
        current = name;
        started = System.nanoTime();
        resetPeak();
    }

    /** Ends the running stage. */
    synchronized void end() {
        if (current == null) return;
        stages.add(new StageTime(current, (System.nanoTime() - started) / 1e9, peakMb()));
        current = null;
    }

    /**
     * A progress listener that also starts a stage when the render moves to another one (LM planning, encoding,
     * diffusion, decoding), so the stages follow what the user sees.
     */
    ProgressListener following(ProgressListener inner) {
        return p -> {
            String name = switch (p.stage()) {
                case PLANNING -> "lm";
                case ENCODING -> "encode";
                case CONDITIONING -> "condition";
                case DIFFUSION -> "diffusion";
                case DECODING -> "decode";
                default -> null;
            };
            synchronized (this) {
                if (name != null && !name.equals(current) && !(name.equals("decode") && "lrc_and_score".equals(current))) start(name);
            }
            inner.onProgress(p);
        };
    }

    /** The stages in order, a stage run several times (a batch rendered in groups) summed, its peak the highest. */
    synchronized List<StageTime> stages() {
        java.util.Map<String, StageTime> merged = new java.util.LinkedHashMap<>();
        for (StageTime s : stages)
            merged.merge(s.name(), s, (a, b) -> new StageTime(a.name(), a.seconds() + b.seconds(),
                    a.peakMb() == null ? b.peakMb() : b.peakMb() == null ? a.peakMb() : Math.max(a.peakMb(), b.peakMb())));
        return List.copyOf(merged.values());
    }

    private static final Path CLEAR = Path.of("/proc/self/clear_refs");

    private static void resetPeak() {
        try {
            if (Files.isWritable(CLEAR)) Files.writeString(CLEAR, "5");
        } catch (IOException | SecurityException e) {
            // no reset: the peak since the process started is reported
        }
    }

    private static Long peakMb() {
        return org.aceforge.engine.runtime.MachineMemory.peakResidentMb();
    }
}
