package org.aceforge.engine.nets;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The DiT's TimestepEmbedding: sinusoid of t·1000 (cos first, 256 dims, freqs exp(−ln(10000)·k/128)), then
 * linear_1 → SiLU → linear_2 gives temb; time_proj(SiLU(temb)) gives the 6-way AdaLN projection.
 */
final class TimestepEmbedding {
    static final int SINUSOID_DIM = 256;

    record Out(V temb, V proj) {}

    private TimestepEmbedding() {}

    /**
     * exp(−ln(10000)·k/half) computed as the reference computes it, in float32: the Python constant rounded to float,
     * times k, divided by half, then exp — each step rounded to float. (In double, the frequencies differ by up to
     * an ulp, which the ×1000 timestep scale turns into a 6e-6 error of the DiT at t = 1.)
     */
    static float[] frequencies(int half) {
        float c = (float) -Math.log(10000);
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            float a = c * (float) k;
            a = a / (float) half;
            freqs[k] = (float) Math.exp(a);
        }
        return freqs;
    }

    /** t is [B] float; returns temb [B, H] and proj [B, 6H]. */
    static Out build(OnnxGraph g, WeightSource w, V t) {
        int half = SINUSOID_DIM / 2;
        float[] freqs = frequencies(half);
        V scaled = g.mul(g.unsqueeze(t, 1), g.scalar(1000.0));                   // [B, 1]
        V args = g.mul(scaled, g.constant(freqs, 1, half));                       // [B, 128]
        V emb = g.concat(-1, g.cos(args), g.sin(args));                           // [B, 256]
        V h = g.silu(g.linear(emb, w.get("linear_1.weight"), w.get("linear_1.bias")));
        V temb = g.linear(h, w.get("linear_2.weight"), w.get("linear_2.bias"));
        V proj = g.linear(g.silu(temb), w.get("time_proj.weight"), w.get("time_proj.bias"));
        return new Out(temb, proj);
    }
}
