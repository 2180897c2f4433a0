package org.aceforge.engine.nets;

import org.aceforge.engine.graph.Attr;
import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.model.VaeConfig;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.WeightSource;

/**
 * The Oobleck VAE (diffusers AutoencoderOobleck) as two graphs. Weight norm is fused in the graph (w = g·v/‖v‖ over
 * all dims but 0; ONNX Runtime folds it at load). Snake: x + sin²(exp(α)·x)/(exp(β) + 1e-9).
 * Decoder: {@code latents} [B, T, C] → {@code audio} [B, T·hop, 2]. Encoder: {@code audio} [B, N, 2] →
 * {@code moments} [B, ⌊N/hop⌋, 2C] (mean ‖ scale) and {@code mean} [B, ⌊N/hop⌋, C].
 */
public final class VaeGraphs {
    public static final String DECODER = "vae-decode";
    public static final String ENCODER = "vae-encode";
    private static final int[] DILATIONS = {1, 3, 9};
    private static final WinogradConv WINOGRAD = WinogradConv.of(WinogradConv.TILE, 7);
    private static final WinogradConv UPSAMPLING = WinogradConv.of(WinogradConv.TILE, 3);

    private VaeGraphs() {}

    public static OnnxGraph decoder(VaeConfig c, WeightSource all) {
        return decoder(c, all, VaeForm.STANDARD);
    }

    /** The decoder with the Snake and the residual convolutions in the given forms (see {@link VaeForm#forDevice}). */
    public static OnnxGraph decoder(VaeConfig c, WeightSource all, VaeForm form) {
        WeightSource w = all.sub("decoder.");
        OnnxGraph g = new OnnxGraph(DECODER);
        V lat = g.input("latents", DType.F32, "batch", "frames", (long) c.latentChannels());
        V x = g.transpose(lat, 0, 2, 1);
        x = conv(g, w, "conv1", x, 1, 3, 1, false);
        int[] r = c.downsamplingRatios();
        for (int i = 0; i < r.length; i++) {
            WeightSource b = w.sub("block." + i + ".");
            int s = r[r.length - 1 - i];
            long cin = b.get("conv_t1.weight_v").shape()[0];
            if (form.conv() == ConvForm.WINOGRAD_FUSED && form.snake() == SnakeForm.FUSED && form.conv().winogradUpsampling(cin, s)) {
                long cout = b.get("conv_t1.weight_v").shape()[1];
                x = UPSAMPLING.applyUpsampling(g, x, weightNorm(g, b, "conv_t1"), g.weight(b.get("conv_t1.bias")), cin, cout, s,
                        snakeParameters(g, b, "snake1"));
            } else {
                x = snake(g, b, "snake1", x, form.snake());
                x = convTranspose(g, b, "conv_t1", x, s);
            }
            for (int u = 0; u < 3; u++) x = residualUnit(g, b.sub("res_unit" + (u + 1) + "."), x, DILATIONS[u], form);
        }
        x = snake(g, w, "snake1", x, form.snake());
        x = form.conv() == ConvForm.DIRECT ? conv(g, w, "conv2", x, 1, 3, 1, !w.has("conv2.bias")) : fewOutputsConv(g, w, "conv2", x);
        g.output(g.transpose(x, 0, 2, 1), "decoded", DType.F32, "batch", "samples", (long) c.audioChannels());
        return g;
    }

    public static OnnxGraph encoder(VaeConfig c, WeightSource all) {
        return encoder(c, all, VaeForm.STANDARD);
    }

    /** The encoder with the Snake and the residual convolutions in the given forms. */
    public static OnnxGraph encoder(VaeConfig c, WeightSource all, VaeForm form) {
        WeightSource w = all.sub("encoder.");
        OnnxGraph g = new OnnxGraph(ENCODER);
        V audio = g.input("audio", DType.F32, "batch", "samples", (long) c.audioChannels());
        V x = g.transpose(audio, 0, 2, 1);
        x = conv(g, w, "conv1", x, 1, 3, 1, false);
        int[] r = c.downsamplingRatios();
        for (int i = 0; i < r.length; i++) {
            WeightSource b = w.sub("block." + i + ".");
            for (int u = 0; u < 3; u++) x = residualUnit(g, b.sub("res_unit" + (u + 1) + "."), x, DILATIONS[u], form);
            x = snake(g, b, "snake1", x, form.snake());
            x = conv(g, b, "conv1", x, r[i], (r[i] + 1) / 2, 1, false);
        }
        x = snake(g, w, "snake1", x, form.snake());
        x = conv(g, w, "conv2", x, 1, 1, 1, false);
        V moments = g.transpose(x, 0, 2, 1);
        g.output(moments, "moments", DType.F32, "batch", "frames", (long) c.encoderHiddenSize());
        g.output(g.slice(moments, 2, 0, c.latentChannels()), "latent_mean", DType.F32, "batch", "frames", (long) c.latentChannels());
        return g;
    }

    private static V residualUnit(OnnxGraph g, WeightSource w, V x, int dilation, VaeForm form) {
        long channels = w.get("conv1.weight_v").shape()[1];
        boolean fused = form.conv() == ConvForm.WINOGRAD_FUSED && form.snake() == SnakeForm.FUSED;
        if (fused && form.conv().residualUnit(channels) && w.get("conv1.weight_v").shape()[0] == channels) {
            // The whole unit in one operator, block by block in cache.
            V bias = w.has("conv1.bias") ? g.weight(w.get("conv1.bias")) : null;
            V bias2 = w.has("conv2.bias") ? g.weight(w.get("conv2.bias")) : null;
            return WINOGRAD.applyResidualUnit(g, x, weightNorm(g, w, "conv1"), bias, channels, dilation,
                    snakeParameters(g, w, "snake1"), snakeParameters(g, w, "snake2"), weightNorm(g, w, "conv2"), bias2);
        }
        if (fused && form.conv().winograd(channels)) {
            // Both Snakes inside the Winograd operators: snake1's output feeds only conv1, snake2's only conv2.
            long[] shape = w.get("conv1.weight_v").shape();
            V bias = w.has("conv1.bias") ? g.weight(w.get("conv1.bias")) : null;
            V y = WINOGRAD.applyWithSnakes(g, x, weightNorm(g, w, "conv1"), bias, shape[0], dilation,
                    snakeParameters(g, w, "snake1"), snakeParameters(g, w, "snake2"));
            return g.add(x, conv(g, w, "conv2", y, 1, 0, 1, false));
        }
        V y = snake(g, w, "snake1", x, form.snake());
        y = form.conv().winograd(w.get("conv1.weight_v").shape()[1]) ? winograd(g, w, "conv1", y, dilation, form.conv())
                : conv(g, w, "conv1", y, 1, 3 * dilation, dilation, false);
        y = snake(g, w, "snake2", y, form.snake());
        y = conv(g, w, "conv2", y, 1, 0, 1, false);
        return g.add(x, y);
    }

    static V snake(OnnxGraph g, WeightSource w, String name, V x, SnakeForm form) {
        V[] p = snakeParameters(g, w, name);
        V alpha = p[0], invBeta = p[1];
        if (form == SnakeForm.FUSED) return g.aceforgeOp("Snake", x, alpha, invBeta);
        V s = g.sin(g.mul(alpha, x));
        return g.add(x, g.mul(invBeta, g.mul(s, s)));
    }

    /** The Snake's per-channel alpha = exp(α) and inv_beta = 1 / (exp(β) + 1e-9) (ONNX Runtime folds both at load). */
    static V[] snakeParameters(OnnxGraph g, WeightSource w, String name) {
        V alpha = g.exp(g.weight(w.get(name + ".alpha")));
        V invBeta = g.div(g.scalar(1), g.add(g.exp(g.weight(w.get(name + ".beta"))), g.scalar(1e-9)));
        return new V[]{alpha, invBeta};
    }

    /** g·v/‖v‖ with the norm over every dim but 0 (for ConvTranspose dim 0 is the input channel). */
    static V weightNorm(OnnxGraph g, WeightSource w, String name) {
        V v = g.weight(w.get(name + ".weight_v"));
        V norm = g.op("ReduceL2", new Attr[]{Attr.i("keepdims", 1)}, v, g.longs(1, 2));
        return g.mul(g.weight(w.get(name + ".weight_g")), g.div(v, norm));
    }

    private static V conv(OnnxGraph g, WeightSource w, String name, V x, int stride, int pad, int dilation, boolean noBias) {
        V weight = weightNorm(g, w, name);
        long k = w.get(name + ".weight_v").shape()[2];
        Attr[] attrs = {Attr.ints("kernel_shape", k), Attr.ints("strides", stride), Attr.ints("pads", pad, pad),
                Attr.ints("dilations", dilation)};
        return noBias || !w.has(name + ".bias") ? g.op("Conv", attrs, x, weight)
                : g.op("Conv", attrs, x, weight, g.weight(w.get(name + ".bias")));
    }

    /**
     * The decoder's last convolution (2 outputs ← C channels, k taps, "same" padding) as one MatMul of every tap,
     * [k·2, C]·[C, T], and a sum of k shifted slices of its [k·2, T] result. ONNX Runtime's Conv builds a [C·k, T]
     * im2col buffer for it (215 MB at 5 s of audio) to compute two channels: 55 ms of a 3.5 s decode on 2 AVX2 cores.
     */
    private static V fewOutputsConv(OnnxGraph g, WeightSource w, String name, V x) {
        long[] shape = w.get(name + ".weight_v").shape();
        long out = shape[0], cin = shape[1], k = shape[2], pad = (k - 1) / 2;
        V taps = g.reshape(g.transpose(weightNorm(g, w, name), 2, 0, 1), k * out, cin);   // row j·out + o: tap j of o
        V z = g.op("Pad", g.matMul(taps, x), g.longs(0, 0, pad, 0, 0, pad));           // [B, k·out, T + 2·pad]
        V t = g.dim(x, 2);
        V y = null;
        for (long j = 0; j < k; j++) {
            V part = g.slice(g.slice(z, 1, j * out, (j + 1) * out), 2, g.longs(j), g.add(t, g.longs(j)));
            y = y == null ? part : g.add(y, part);
        }
        return w.has(name + ".bias") ? g.add(y, g.reshape(g.weight(w.get(name + ".bias")), out, 1)) : y;
    }

    /** The residual unit's 7-tap convolution ("same" padding 3·dilation) by {@link WinogradConv}. */
    private static V winograd(OnnxGraph g, WeightSource w, String name, V x, int dilation, ConvForm form) {
        long[] shape = w.get(name + ".weight_v").shape();
        V bias = w.has(name + ".bias") ? g.weight(w.get(name + ".bias")) : null;
        return WINOGRAD.apply(g, x, weightNorm(g, w, name), bias, shape[1], shape[0], dilation,
                form == ConvForm.WINOGRAD_FUSED);
    }

    /**
     * ConvTranspose1d, run as a ConvTranspose2d of height 1 on [B, C, 1, T]: ONNX Runtime's 2-D kernel is faster here
     * (measured on the full-size decoder, 10 s: 1.73 → 1.01 s for the five upsampling layers; the whole decode
     * 9.3 → 8.6 s). Running every convolution as 2-D (NCHWc) gained less than its layout reorders cost.
     */
    private static V convTranspose(OnnxGraph g, WeightSource w, String name, V x, int stride) {
        V weight = g.unsqueeze(weightNorm(g, w, name), 2);
        int pad = (stride + 1) / 2;
        Attr[] attrs = {Attr.ints("kernel_shape", 1, 2L * stride), Attr.ints("strides", 1, stride), Attr.ints("pads", 0, pad, 0, pad)};
        return g.squeeze(g.op("ConvTranspose", attrs, g.unsqueeze(x, 2), weight, g.weight(w.get(name + ".bias"))), 2);
    }
}
