package org.aceforge.engine.audio;

import be.tarsos.dsp.resample.Resampler;

/** Sample-rate conversion with TarsosDSP's Resampler (a port of libresample: windowed-sinc, high quality mode). */
public final class Resampling {
    public static final int ENGINE_RATE = 48000;

    private Resampling() {}

    /** One channel from {@code from} Hz to {@code to} Hz; the output has round(n·to/from) samples. */
    public static float[] resample(float[] in, int from, int to) {
        if (from == to) return in.clone();
        double factor = (double) to / from;
        int expected = (int) Math.round(in.length * factor);
        Resampler r = new Resampler(true, factor, factor);
        float[] out = new float[expected + 64];
        int produced = 0, consumed = 0;
        int chunk = 1 << 15;
        while (consumed < in.length || produced < expected) {
            int n = Math.min(chunk, in.length - consumed);
            boolean last = consumed + n >= in.length;
            if (produced >= out.length) break;
            Resampler.Result res = r.process(factor, in, consumed, n, last, out, produced, out.length - produced);
            consumed += res.inputSamplesConsumed;
            produced += res.outputSamplesGenerated;
            if (last && res.outputSamplesGenerated == 0 && res.inputSamplesConsumed == 0) break;
        }
        return java.util.Arrays.copyOf(out, expected);
    }
}
