package org.aceforge.engine.train;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.Gradients;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.nets.DitGraph;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

import java.util.ArrayList;
import java.util.List;

/**
 * One training step's graph: the DiT exactly as renders build it (fp32), with the LoRA factors as inputs, then the
 * flow-matching loss mean((v̂ − (noise − x₀))²) against the input {@code target}, then its gradients with respect to
 * every factor ({@link Gradients}). Inputs: the DiT's ({@code hidden_states} = x_t, {@code context_latents},
 * {@code encoder_hidden_states}, {@code timestep}), {@code target}, and each factor under its PEFT key. Outputs:
 * {@code loss} (a scalar), {@code velocity}, and {@code grad.KEY} per factor. The base weights stay the checkpoint's
 * memory-mapped tensors, shared with inference.
 */
public final class LoraTrainingGraph {
    public static final String LOSS = "loss", TARGET = "target", GRAD = "grad.";

    private LoraTrainingGraph() {}

    /** The graph for any batch and lengths (symbolic sizes). */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, LoraParameters lora) {
        return build(new OnnxGraph(DitGraph.NAME), c, all, lora);
    }

    /**
     * The graph for one sample of {@code frames} latent frames and a condition of {@code condLength} states (batch 1):
     * what training runs. ONNX Runtime loads a fixed-size graph of the full model in seconds where the symbolic one
     * took minutes, and plans its memory once (docs/benchmarks.md).
     */
    public static OnnxGraph build(AceStepConfig c, WeightSource all, LoraParameters lora, int frames, int condLength) {
        OnnxGraph g = new OnnxGraph(DitGraph.NAME).fixSizes(java.util.Map.of("batch", 1L, "frames", (long) frames, "cond_len", (long) condLength));
        // On the CPU the weights are read in place as inputs; a GPU session needs them copied to the device once, as
        // initializers, rather than at every run.
        if (org.aceforge.engine.runtime.OrtRuntime.device() == org.aceforge.engine.runtime.OrtRuntime.Device.CPU) g.feedWeights();
        return build(g, c, all, lora);
    }

    private static OnnxGraph build(OnnxGraph into, AceStepConfig c, WeightSource all, LoraParameters lora) {
        OnnxGraph g = DitGraph.build(into, c, all, null, lora, 1.0, null, false, false);
        V velocity = new V("velocity");
        V target = g.input(TARGET, DType.F32, "batch", "frames", (long) c.latentChannels());
        V diff = g.sub(velocity, target);
        V loss = g.op("ReduceMean", new Attr[]{Attr.i("keepdims", 0)}, g.mul(diff, diff));
        List<V> params = new ArrayList<>();
        for (String name : lora.names()) params.add(new V(name));
        List<V> grads = Gradients.list(g, loss, params);
        g.output(loss, LOSS, DType.F32);
        for (int i = 0; i < params.size(); i++) g.output(grads.get(i), GRAD + params.get(i).name(), DType.F32);
        return g;
    }
}
