package org.aceforge.engine.nets;

import org.aceforge.engine.runtime.OrtRuntime;

/**
 * How a graph computes the VAE decoder's upsampling (ConvTranspose1d, kernel 2s, stride s, padding s/2): ONNX's
 * ConvTranspose (the reference form), or its polyphase equivalent — one ordinary Conv of kernel 2 from Cin to
 * s·Cout channels over the input padded by one frame each side, whose s phases are then interleaved in time. Each
 * output frame n·s + r is x[n]·W[k] + x[n∓1]·W[k ± s] for one k, so the two forms compute the same sums; the Conv
 * is one dense matrix product, where ONNX Runtime's ConvTranspose scatters columns back (col2im).
 */
public enum UpsampleForm {
    CONV_TRANSPOSE, POLYPHASE;

    /** The faster form on {@code device}; {@code -Daceforge.vae.polyphase=false} keeps ConvTranspose everywhere. */
    public static UpsampleForm forDevice(OrtRuntime.Device device) {
        boolean allowed = !"false".equals(System.getProperty("aceforge.vae.polyphase"));
        return allowed && device == OrtRuntime.Device.CPU ? POLYPHASE : CONV_TRANSPOSE;
    }

    /** Whether a layer of this stride is computed in polyphase form (even strides only: odd ones change the length). */
    public boolean polyphase(int stride) {
        return this == POLYPHASE && stride % 2 == 0;
    }

    /** Suffix for the graph's cache name. */
    public String graphSuffix() {
        return this == POLYPHASE ? "-polyphase" : "";
    }
}
