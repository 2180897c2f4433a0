package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.runtime.CustomOps;
import org.aceforge.engine.runtime.OrtRuntime;

/**
 * How a transformer's small operators are computed: as chains of standard ONNX operators (RMSNormalization, Mul,
 * Add, Split, Sigmoid/QuickGelu, RotaryEmbedding: the reference form, the only one GPU sessions and training graphs
 * get), or as AceForge's fused RmsNorm, RmsNormRope, AdaRmsNorm, GatedAdd and SwiGlu/SiluMul (CPU sessions where
 * {@link CustomOps} registered), one pass over memory each. The two agree to float rounding. On 2 AVX2 cores the fused
 * form took a 10 s song's DiT step from ~100 ms to ~20 ms of such operators (docs/benchmarks.md, 2026-12-02 eleventh).
 * {@code -Daceforge.layers.fused=false} keeps the standard form on CPU too (for measuring).
 */
public enum LayerForm {
    STANDARD, FUSED;

    /** The fastest form a session on {@code device} can run. */
    public static LayerForm forDevice(OrtRuntime.Device device) {
        return CustomOps.available(device) && !"false".equals(System.getProperty("aceforge.layers.fused")) ? FUSED : STANDARD;
    }

    /** A new graph of this name whose transformer layers take this form. */
    public OnnxGraph graph(String name) {
        return new OnnxGraph(name).fusedLayers(this == FUSED);
    }

    /** Suffix for the graph's cache name, so the two forms never share a cached file. */
    public String graphSuffix() {
        return this == FUSED ? "-fused" : "";
    }
}
