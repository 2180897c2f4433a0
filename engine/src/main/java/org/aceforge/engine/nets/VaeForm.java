package org.aceforge.engine.nets;

import org.aceforge.engine.runtime.OrtRuntime;

/** The forms a VAE graph is built in: how it computes the Snake, its residual convolutions and its upsampling. */
public record VaeForm(SnakeForm snake, ConvForm conv, UpsampleForm upsample) {
    /** Standard operators throughout: what GPU sessions run and what the references are checked against first. */
    public static final VaeForm STANDARD = new VaeForm(SnakeForm.STANDARD, ConvForm.DIRECT);

    /** Upsampling by ConvTranspose. */
    public VaeForm(SnakeForm snake, ConvForm conv) {
        this(snake, conv, UpsampleForm.CONV_TRANSPOSE);
    }

    /** The fastest forms a session on {@code device} can run. */
    public static VaeForm forDevice(OrtRuntime.Device device) {
        return new VaeForm(SnakeForm.forDevice(device), ConvForm.forDevice(device), UpsampleForm.forDevice(device));
    }

    /** Suffix for the graph's cache name: every combination has its own cached file. */
    public String graphSuffix() {
        return snake.graphSuffix() + conv.graphSuffix() + upsample.graphSuffix();
    }
}
