package org.aceforge.engine.lm;

import org.aceforge.engine.Fixtures;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.reference.RefEncoders;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 5 Hz LM network: the lm-tiny fixture (reference Qwen3 code) and a plain-Java double reference. */
class CausalLmTest {
    @TempDir
    Path cache;

    private static void close(String what, double err, double tol) {
        assertTrue(err < tol, what + ": relative error " + err + " (tolerance " + tol + ")");
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        return out;
    }

    @Test
    void reproducesLmTinyPrefillAndCachedDecode() throws Exception {
        Path d = Fixtures.dir("lm-tiny");
        long[] prompt = Npy.read(d.resolve("in_prefill_ids.npy")).toLongs();
        long next = Npy.read(d.resolve("in_decode_id.npy")).toLongs()[0];
        float[] prefillRef = Npy.read(d.resolve("out_prefill_logits.npy")).toFloats();
        float[] decodeRef = Npy.read(d.resolve("out_decode_logits.npy")).toFloats();
        try (CausalLm lm = new CausalLm(d, new GraphCache(cache))) {
            close("all positions", Ref.relErr(flat(lm.logitsAll(prompt)), prefillRef), 1e-4);
            try (KvCache kv = lm.newCache(1, 16)) {
                float[] last = lm.prefill(kv, 0, prompt);
                int v = last.length;
                close("prefill last", Ref.relErr(last, java.util.Arrays.copyOfRange(prefillRef, prefillRef.length - v, prefillRef.length)), 1e-4);
                close("decode with cache", Ref.relErr(lm.decode(kv, new long[]{next})[0], decodeRef), 1e-4);
            }
        }
    }

    /** Two sequences of different lengths in one cache: batched decode equals each sequence run alone (and the reference). */
    @Test
    void batchedDecodeOfUnequalPromptsMatchesDoubleReference() throws Exception {
        Path d = Fixtures.dir("lm-tiny");
        Qwen3Config c = Qwen3Config.read(d.resolve("config.json"));
        WeightSource w = SafeTensors.open(d.resolve("model.safetensors"));
        Random r = new Random(5);
        long[] a = r.longs(7, 0, c.vocabSize()).toArray(), b = r.longs(12, 0, c.vocabSize()).toArray();
        long[][] steps = {{3, 9}, {200, 17}, {31, 318}};
        try (CausalLm lm = new CausalLm(d, new GraphCache(cache)); KvCache kv = lm.newCache(2, 32)) {
            lm.prefill(kv, 0, a);
            lm.prefill(kv, 1, b);
            for (long[] step : steps) {
                float[][] got = lm.decode(kv, step);
                a = append(a, step[0]);
                b = append(b, step[1]);
                close("sequence 0", Ref.relErr(got[0], lastLogits(c, w, a)), 1e-4);
                close("sequence 1", Ref.relErr(got[1], lastLogits(c, w, b)), 1e-4);
            }
        }
    }

    @Test
    void logitsAtChosenPositionsAreThoseRowsOfTheFullForward() throws Exception {
        Path d = Fixtures.dir("lm-tiny");
        long[] prompt = Npy.read(d.resolve("in_prefill_ids.npy")).toLongs();
        try (CausalLm lm = new CausalLm(d, new GraphCache(cache))) {
            float[][] all = lm.logitsAll(prompt), some = lm.logitsAt(prompt, new long[]{2, 5, 8});
            assertTrue(java.util.Arrays.equals(all[2], some[0]) || Ref.relErr(some[0], all[2]) < 1e-6);
            assertTrue(Ref.relErr(some[1], all[5]) < 1e-6);
            assertTrue(Ref.relErr(some[2], all[8]) < 1e-6);
        }
    }

    private static long[] append(long[] ids, long id) {
        long[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    /** Double-precision Qwen3 forward (causal) and the tied output projection, last position. */
    static double[] lastLogits(Qwen3Config c, WeightSource w, long[] ids) {
        double[][] h = RefEncoders.qwen3(c, w.sub("model."), ids);
        double[] last = h[h.length - 1];
        TensorData emb = w.get("model.embed_tokens.weight");
        double[][] e = Ref.matrix(emb);
        double[] out = new double[e.length];
        for (int v = 0; v < e.length; v++) {
            double s = 0;
            for (int k = 0; k < last.length; k++) s += e[v][k] * last[k];
            out[v] = s;
        }
        return out;
    }
}
