package org.aceforge.engine.train;

import org.aceforge.engine.graph.OnnxGraph;
import org.aceforge.engine.runtime.NetSession;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recomputing activations layer by layer gives the whole-DiT graph's loss and gradients (the demo pack's layers are
 * one sliding-window and one global, so both shared layer sessions take part), and a trainer set to recompute follows
 * the same path as one that keeps its activations.
 */
class LayerwisePassTest {
    @BeforeAll
    static void load() throws Exception {
        LoraTrainerTest.load();
    }

    /** A fresh adapter with B drawn too (a fresh B is zero, which would leave every A gradient zero). */
    static LoraParameters adapter() {
        LoraParameters p = LoraParameters.fresh(LoraTrainerTest.dit, LoraTrainerTest.c.numHiddenLayers(), 4, 8, 5);
        SplittableRandom rnd = new SplittableRandom(6);
        for (LoraParameters.Module m : p.modules()) for (int i = 0; i < m.b().length; i++) m.b()[i] = (float) (rnd.nextGaussian() * 0.05);
        return p;
    }

    @Test
    void layerByLayerEqualsTheWholeGraph() throws Exception {
        LoraParameters p = adapter();
        TrainingSample s = LoraTrainerTest.sample;
        Tensor3 noise = InitialNoise.of(new long[]{7}, s.latents().frames(), s.latents().channels());
        Map<String, TensorData> feeds = LoraTrainer.feeds(p, s, noise, 0.6);
        OnnxGraph g = LoraTrainingGraph.build(LoraTrainerTest.c, LoraTrainerTest.dit, p);
        Map<String, TensorData> whole, layered;
        try (NetSession session = new NetSession("whole", g.toModelBytes(), g.externalWeights());
             LayerwisePass pass = new LayerwisePass(LoraTrainerTest.c, LoraTrainerTest.dit, p)) {
            whole = session.run(feeds);
            layered = pass.run(feeds);
        }
        float wholeLoss = whole.get(LoraTrainingGraph.LOSS).toFloats()[0];
        assertEquals(wholeLoss, layered.get(LoraTrainingGraph.LOSS).toFloats()[0], 1e-5 * Math.abs(wholeLoss));
        for (String name : p.names()) {
            float[] a = whole.get(LoraTrainingGraph.GRAD + name).toFloats(), b = layered.get(LoraTrainingGraph.GRAD + name).toFloats();
            assertEquals(a.length, b.length, name);
            double err = 0, norm = 0;
            for (int i = 0; i < a.length; i++) { err += (a[i] - b[i]) * (double) (a[i] - b[i]); norm += a[i] * (double) a[i]; }
            assertTrue(norm > 0, name + ": a zero gradient proves nothing");
            assertTrue(Math.sqrt(err / norm) < 1e-4, name + ": relative difference " + Math.sqrt(err / norm));
        }
    }

    @Test
    void aRecomputingTrainerFollowsAKeepingOne() throws Exception {
        float[][] finals = new float[2][];
        ActivationPolicy[] policies = {ActivationPolicy.KEEP, ActivationPolicy.RECOMPUTE};
        for (int k = 0; k < 2; k++) {
            LoraParameters p = LoraParameters.fresh(LoraTrainerTest.dit, LoraTrainerTest.c.numHiddenLayers(), 4, 8, 1);
            try (LoraTrainer t = new LoraTrainer(LoraTrainerTest.c, LoraTrainerTest.dit, p, LoraTrainerTest.options(1)).activations(policies[k])) {
                assertEquals(k == 0, t.keeps(LoraTrainerTest.sample));
                for (int i = 0; i < 3; i++) assertTrue(Double.isFinite(t.step(LoraTrainerTest.sample)));
            }
            finals[k] = p.modules().get(0).b().clone();
        }
        double diff = 0, norm = 0;
        for (int i = 0; i < finals[0].length; i++) { diff += Math.abs(finals[0][i] - finals[1][i]); norm += Math.abs(finals[0][i]); }
        assertTrue(norm > 0, "the adapter moved");
        assertTrue(diff / norm < 1e-3, "relative difference after 3 steps: " + diff / norm);
    }

    @Test
    void autoKeepsWhatFitsBesideTheShapesAlreadyKept() throws Exception {
        int layers = LoraTrainerTest.c.numHiddenLayers(), hidden = LoraTrainerTest.c.hiddenSize();
        long one = ActivationPolicy.keptBytes(layers, hidden, 12);   // the 24-frame sample: 12 tokens (the other 13)
        TrainingSample longer = new TrainingSample("longer", InitialNoise.of(new long[]{21}, 26, LoraTrainerTest.c.latentChannels()),
                LoraTrainerTest.sample.condition(), InitialNoise.of(new long[]{22}, 26, LoraTrainerTest.c.inChannels() - LoraTrainerTest.c.latentChannels()));
        // Free memory such that either sample fits alone (half of it), but not both.
        System.setProperty("aceforge.memoryGb", Double.toString(2.5 * one / 1e9));
        try {
            LoraParameters p = LoraParameters.fresh(LoraTrainerTest.dit, layers, 4, 8, 1);
            try (LoraTrainer t = new LoraTrainer(LoraTrainerTest.c, LoraTrainerTest.dit, p, LoraTrainerTest.options(1))) {
                assertTrue(t.keeps(LoraTrainerTest.sample) && t.keeps(longer), "either alone fits");
                t.step(LoraTrainerTest.sample);
                assertTrue(t.keeps(LoraTrainerTest.sample), "its session is made");
                assertFalse(t.keeps(longer), "beside the first, the second recomputes");
                assertTrue(Double.isFinite(t.step(longer)));
            }
        } finally {
            System.clearProperty("aceforge.memoryGb");
        }
    }

    @Test
    void dropoutFollowsTheFedSeed() throws Exception {
        LoraParameters p = adapter().dropout(0.5);
        TrainingSample s = LoraTrainerTest.sample;
        Map<String, TensorData> feeds = LoraTrainer.feeds(p, s, InitialNoise.of(new long[]{7}, s.latents().frames(), s.latents().channels()), 0.6);
        feeds.put(OnnxGraph.LORA_DROPOUT_SEED, TensorData.ofFloats(OnnxGraph.LORA_DROPOUT_SEED, new float[]{3.5f}, 1));
        try (LayerwisePass pass = new LayerwisePass(LoraTrainerTest.c, LoraTrainerTest.dit, p)) {
            float first = pass.run(feeds).get(LoraTrainingGraph.LOSS).toFloats()[0];
            assertEquals(first, pass.run(feeds).get(LoraTrainingGraph.LOSS).toFloats()[0], 0f, "the same seed, the same draw");
            feeds.put(OnnxGraph.LORA_DROPOUT_SEED, TensorData.ofFloats(OnnxGraph.LORA_DROPOUT_SEED, new float[]{4.5f}, 1));
            assertNotEquals(first, pass.run(feeds).get(LoraTrainingGraph.LOSS).toFloats()[0], "another seed, another draw");
        }
    }
}
