package org.aceforge.engine.nets;

import org.aceforge.engine.runtime.CustomOps;
import org.aceforge.engine.runtime.OrtRuntime;

/**
 * How a graph computes the VAE's 7-tap residual convolutions: ONNX's Conv (the reference form; GPU sessions, whose
 * libraries choose their own algorithms), or {@link WinogradConv}, 3.5× fewer multiplications — its transforms from
 * standard operators (CPU sessions: the 10 s decode's convolutions ran 1.1–2.4× faster per layer on 2 AVX-512 cores,
 * the gain growing with the width), or as AceForge's fused transform operators where runtime.CustomOps registered
 * (one pass each instead of seven operators). All agree to float rounding.
 */
public enum ConvForm {
    DIRECT, WINOGRAD, WINOGRAD_FUSED;

    /** The faster form on {@code device}; {@code -Daceforge.vae.winograd=false} keeps the direct form everywhere. */
    public static ConvForm forDevice(OrtRuntime.Device device) {
        boolean allowed = !"false".equals(System.getProperty("aceforge.vae.winograd"));
        if (!allowed || device != OrtRuntime.Device.CPU) return DIRECT;
        return CustomOps.available(device) ? WINOGRAD_FUSED : WINOGRAD;
    }

    /**
     * Whether a layer of {@code channels} channels is computed by Winograd in this form: only from 128 channels up,
     * where it was measured faster (1.1× at 128, 2.4× at 1024); below, its transforms' memory passes cost more than the
     * multiplications they save (the demo pack's narrow VAE decoded 3× slower).
     */
    public boolean winograd(long channels) {
        return this != DIRECT && channels >= MIN_CHANNELS;
    }

    static final int MIN_CHANNELS = 128;

    /**
     * Whether an upsampling layer (transposed convolution, even stride s) is computed by Winograd in this form
     * ({@link WinogradConv#applyUpsampling}): from 128 to 1 024 input channels. The full-size decoder's first layer
     * (2 048 → 1 024, stride 10) stays a ConvTranspose: at 25 latent frames a second its products are short (N ≈ 21
     * tiles for 5 s) and their weight 4× the layer's (671 MB); measured 0.12 s as ConvTranspose against ~0.2 s
     * (5 s decode, 2 AVX2 cores). {@code -Daceforge.vae.winogradUpMax=N} moves the upper bound, for measuring.
     */
    public boolean winogradUpsampling(long inputChannels, int stride) {
        long max = Long.getLong("aceforge.vae.winogradUpMax", 1024);
        return this == WINOGRAD_FUSED && stride % 2 == 0 && inputChannels >= MIN_CHANNELS && inputChannels <= max;
    }

    /**
     * Whether a residual unit of {@code channels} channels runs as AceForge's one {@code ResidualUnit} operator
     * ({@link WinogradConv#applyResidualUnit}): at 128 channels (up to {@code -Daceforge.vae.residualMax}, for
     * measuring), the decoder's last two blocks, whose signals are longest. Measured on 2 AVX2 cores, one unit at
     * 128 × 240 000: ~13 % faster than the operator chain (MLAS's products and AceForge's transforms); at 256 and 512
     * channels the chain was faster (MLAS's packing beats this operator's 6 × 16 kernel there).
     */
    public boolean residualUnit(long channels) {
        long max = Long.getLong("aceforge.vae.residualMax", 128);
        return this == WINOGRAD_FUSED && channels >= MIN_CHANNELS && channels <= max;
    }

    /** Suffix for the graph's cache name, so the two forms never share a cached file. */
    public String graphSuffix() {
        return switch (this) {
            case DIRECT -> "";
            case WINOGRAD -> "-winograd";
            case WINOGRAD_FUSED -> "-winograd-fused";
        };
    }
}
