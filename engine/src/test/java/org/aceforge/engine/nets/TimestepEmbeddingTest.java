package org.aceforge.engine.nets;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.tensors.Npy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timestep sinusoid's frequencies as the official code computes them (float32 steps): the sinusoid of the
 * dit-tiny fixture (t = 0.7, ×1000) is reproduced to float32 rounding, which double-precision frequencies miss by
 * orders of magnitude (the argument reaches 700 rad, where one ulp of a frequency moves it by ~4e-5).
 */
class TimestepEmbeddingTest {
    static double maxDiff(float[] freqs, float t, float[] expected) {
        int half = freqs.length;
        double max = 0;
        float scaled = t * 1000f;
        for (int k = 0; k < half; k++) {
            float arg = scaled * freqs[k];
            max = Math.max(max, Math.abs((float) Math.cos(arg) - expected[k]));
            max = Math.max(max, Math.abs((float) Math.sin(arg) - expected[half + k]));
        }
        return max;
    }

    @Test
    void frequenciesFollowTheReferenceInFloat32() throws Exception {
        Path dir = Fixtures.dir("dit-tiny");
        float t = Npy.read(dir.resolve("in_timestep.npy")).toFloats()[0];
        float[] expected = Npy.read(dir.resolve("debug/time_sinusoid_t.npy")).toFloats();
        float[] ours = TimestepEmbedding.frequencies(TimestepEmbedding.SINUSOID_DIM / 2);
        float[] inDouble = new float[ours.length];
        for (int k = 0; k < ours.length; k++) inDouble[k] = (float) Math.exp(-Math.log(10000) * k / ours.length);
        double got = maxDiff(ours, t, expected), before = maxDiff(inDouble, t, expected);
        assertTrue(got < 1e-6, "float32 frequencies: max |diff| " + got);
        assertTrue(before > 10 * got, "double frequencies were worse: " + before + " vs " + got);
    }
}
