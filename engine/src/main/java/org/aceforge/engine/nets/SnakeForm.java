package org.aceforge.engine.nets;

import org.aceforge.engine.runtime.CustomOps;
import org.aceforge.engine.runtime.OrtRuntime;

/**
 * How a graph computes the VAE's Snake activation: from standard ONNX operators (Mul, Sin, Mul, Mul, Add: the
 * reference form, and the only one GPU sessions get), or as AceForge's fused {@code Snake} operator, one vectorised
 * multi-threaded pass (CPU sessions where {@link CustomOps} registered). The two agree to float rounding.
 */
public enum SnakeForm {
    STANDARD, FUSED;

    /** The fastest form a session on {@code device} can run. */
    public static SnakeForm forDevice(OrtRuntime.Device device) {
        return CustomOps.available(device) ? FUSED : STANDARD;
    }

    /** Suffix for the graph's cache name, so the two forms never share a cached file. */
    public String graphSuffix() {
        return this == FUSED ? "-fused" : "";
    }
}
