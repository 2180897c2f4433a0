package org.aceforge.engine.nets;

import org.aceforge.engine.runtime.OrtRuntime;

/** The forms a VAE graph is built in: how it computes the Snake and its residual convolutions. */
public record VaeForm(SnakeForm snake, ConvForm conv) {
    /** Standard operators throughout: what GPU sessions run and what the references are checked against first. */
    public static final VaeForm STANDARD = new VaeForm(SnakeForm.STANDARD, ConvForm.DIRECT);

    /** The fastest forms a session on {@code device} can run. */
    public static VaeForm forDevice(OrtRuntime.Device device) {
        return new VaeForm(SnakeForm.forDevice(device), ConvForm.forDevice(device));
    }

    /** Suffix for the graph's cache name: every combination has its own cached file. */
    public String graphSuffix() {
        return snake.graphSuffix() + conv.graphSuffix();
    }
}
