package org.aceforge.bridge;

/** The host transport as last seen by the audio thread. */
public record Transport(double sampleRate, double tempo, int timeSigNumerator, int timeSigDenominator, boolean playing,
                        long projectSamples, long blocks) {}
