package org.aceforge.engine.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;

/**
 * The process-wide ONNX Runtime environment and the execution-provider ladder: CUDA first when the GPU build is on the
 * class path and a device answers, otherwise CPU; every fallback is logged with its reason. The system property
 * {@code aceforge.device} (auto, cuda, cpu) forces a choice.
 */
public final class OrtRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
    private static volatile Device chosen;
    private static OrtEnvironment environment;

    /** Where sessions run. */
    public enum Device { CPU, CUDA }

    private OrtRuntime() {}

    /**
     * The one environment of the process (created on first use with AceForge's name and log level). It is created on
     * a thread of its own with a large stack: ONNX Runtime's environment creation recursed ~11,900 native frames
     * (OrtEnvironment.createHandle) and overflowed the 1 MB stack of an ordinary Java thread — a SIGSEGV with no JVM
     * report — whenever the first use came from a worker thread rather than a main thread (the server's first render).
     */
    public static synchronized OrtEnvironment env() {
        if (environment == null) environment = createOnLargeStack();
        return environment;
    }

    static final long INIT_STACK_BYTES = 256L << 20;

    private static OrtEnvironment createOnLargeStack() {
        java.util.concurrent.atomic.AtomicReference<Object> made = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                made.set(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "aceforge"));
            } catch (RuntimeException | Error e) {
                made.set(e);
            }
        }, "aceforge-ort-init", INIT_STACK_BYTES);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the environment is needed either way; the interrupt is kept for the caller
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Object o = made.get();
        if (o instanceof RuntimeException e) throw e;
        if (o instanceof Error e) throw e;
        return (OrtEnvironment) o;
    }

    /** Session options for the chosen device; threads default to the machine's cores. */
    public static OrtSession.SessionOptions sessionOptions() throws OrtException {
        return sessionOptions(device());
    }

    /** Session options for a given device (CPU for the out-of-memory ladder's last rung on a GPU machine). */
    public static OrtSession.SessionOptions sessionOptions(Device device) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(threads());
        o.setInterOpNumThreads(1);
        // ONNX Runtime's per-node profile (JSON files with this prefix), for finding where a network's time goes.
        String profile = System.getProperty("aceforge.ort.profile");
        if (profile != null) o.enableProfiling(profile);
        // Spin-waiting off everywhere, for measuring (docs/benchmarks.md, 2026-12-01: no difference for a whole render
        // then). Sessions running AceForge's operators always have it off (NetSession); the others keep it on.
        if (Boolean.getBoolean("aceforge.ort.noSpin")) {
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
        }
        // ONNX Runtime's memory pattern (one block per run, planned from the first run's shapes) off: with it, the
        // second 10 s VAE decode in a render process touched ~2 GB of fresh pages (500 k page faults) and took 7.5 s
        // instead of 5.4 s; without it the arena's blocks are reused (docs/benchmarks.md, 2026-12-01; no stage got
        // slower). Measured on CPU only, so GPU sessions keep the default; -Daceforge.ort.memPattern=true restores it.
        o.setMemoryPatternOptimization(device == Device.CUDA || Boolean.getBoolean("aceforge.ort.memPattern"));
        CustomOps.register(o, device);
        if (device == Device.CUDA) {
            try {
                o.addCUDA(0);
            } catch (OrtException e) {
                LOG.warn("CUDA provider failed to attach ({}); this session runs on CPU", e.getMessage());
            }
        }
        return o;
    }

    public static int threads() {
        String p = System.getProperty("aceforge.threads");
        if (p != null) return Integer.parseInt(p);
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Picks the device once per process: forced by property, else CUDA if available, else CPU (reason logged). */
    public static Device device() {
        Device d = chosen;
        if (d != null) return d;
        synchronized (OrtRuntime.class) {
            if (chosen != null) return chosen;
            String want = System.getProperty("aceforge.device", "auto").toLowerCase();
            EnumSet<OrtProvider> providers = env().getAvailableProviders();
            if (want.equals("cpu")) {
                chosen = Device.CPU;
                LOG.info("device: CPU (forced by aceforge.device=cpu)");
            } else if (!providers.contains(OrtProvider.CUDA)) {
                chosen = Device.CPU;
                String why = "this ONNX Runtime build has no CUDA provider (build with -Pgpu for onnxruntime_gpu)";
                if (want.equals("cuda")) LOG.warn("device: CUDA requested but {}; using CPU", why);
                else LOG.info("device: CPU ({})", why);
            } else {
                try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
                    probe.addCUDA(0);
                    chosen = Device.CUDA;
                    LOG.info("device: CUDA (device 0)");
                } catch (OrtException | RuntimeException e) {
                    chosen = Device.CPU;
                    LOG.warn("device: CPU (CUDA provider present but unusable: {})", e.getMessage());
                }
            }
            return chosen;
        }
    }
}
