package org.aceforge.engine.bench;

import org.aceforge.engine.graph.Int8Kernel;

import org.aceforge.engine.lm.KvCache;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.nets.CausalLmGraph;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.NetSession;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The 5 Hz LM at the real 1.7B geometry (vocab 217,204, hidden 2048, 16/8 heads of 128, MLP 6144) with random fp32
 * weights: prefill of a 512-token prompt, and one decode step for 1 sequence and for 4 (two variants with their
 * guidance twins), from which the codes phase of a 30 s song (150 steps) follows. Prints medians; asserts nothing.
 */
final class LmBench {
    private LmBench() {}

    static Qwen3Config config(int layers) {
        return new Qwen3Config(217_204, 2048, 6144, layers, 16, 8, 128, 1e-6, 1_000_000, true);
    }

    static void run(int layers, int repeats, PrintStream out) throws Exception {
        Qwen3Config c = config(layers);
        RandomWeights w = new RandomWeights();
        w.add("model.embed_tokens.weight", 0.05, c.vocabSize(), c.hiddenSize());
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            w.ones(p + "input_layernorm.weight", c.hiddenSize());
            w.ones(p + "post_attention_layernorm.weight", c.hiddenSize());
            w.linear(p + "self_attn.q_proj", 16 * 128, c.hiddenSize(), false);
            w.linear(p + "self_attn.k_proj", 8 * 128, c.hiddenSize(), false);
            w.linear(p + "self_attn.v_proj", 8 * 128, c.hiddenSize(), false);
            w.linear(p + "self_attn.o_proj", c.hiddenSize(), 16 * 128, false);
            w.ones(p + "self_attn.q_norm.weight", 128);
            w.ones(p + "self_attn.k_norm.weight", 128);
            w.linear(p + "mlp.gate_proj", c.intermediateSize(), c.hiddenSize(), false);
            w.linear(p + "mlp.up_proj", c.intermediateSize(), c.hiddenSize(), false);
            w.linear(p + "mlp.down_proj", c.hiddenSize(), c.intermediateSize(), false);
        }
        w.ones("model.norm.weight", c.hiddenSize());
        Path dir = Files.createTempDirectory("aceforge-lm-bench");
        try {
            long[] forced = null;
            int[][] reference = null;
            for (Int8Kernel kernel : new Int8Kernel[]{null, Int8Kernel.MATMUL_NBITS, Int8Kernel.MATMUL_NBITS4}) {
                String label = "LM 1.7B " + (kernel == null ? "fp32" : kernel == Int8Kernel.MATMUL_NBITS4 ? "4-bit" : "int8");
                try (BenchLm lm = new BenchLm(c, w, new GraphCache(dir), kernel)) {
                    measure(lm.lm, c, layers, repeats, label, out);
                    if (forced == null) forced = greedy(lm.lm, AGREEMENT_STEPS);
                    int[][] top = teacherForced(lm.lm, forced);
                    if (reference == null) reference = top;
                    else out.printf("%-16s agreement with fp32 over %d teacher-forced steps: next token %.1f %%, next audio code %.1f %%%n",
                            "", AGREEMENT_STEPS, 100 * agreement(top[0], reference[0]), 100 * agreement(top[1], reference[1]));
                }
            }
            if (layers < 28) out.printf("                 (full model = 28 layers: scale by about %.2f)%n", 28.0 / layers);
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(dir);
        }
    }

    /** Steps over which the quantized LMs' choices are compared with fp32's. */
    static final int AGREEMENT_STEPS = 200;
    /** The audio-code tokens ({@code <|audio_code_N|>} = 151669 + N, N < 64000). */
    static final int FIRST_CODE = 151_669, CODES = 64_000;

    /** fp32's greedy continuation of a fixed prompt: the token path every precision is then fed. */
    private static long[] greedy(org.aceforge.engine.lm.CausalLm lm, int steps) throws Exception {
        long[] prompt = new java.util.Random(2).longs(64, 0, 151_000).toArray();
        long[] path = new long[steps];
        try (KvCache kv = lm.newCache(1, 64 + steps + 1)) {
            float[] logits = lm.prefill(kv, 0, prompt);
            for (int i = 0; i < steps; i++) {
                // Alternate free text and audio codes, as the chain of thought and the codes phase do.
                path[i] = i % 2 == 0 ? argmax(logits, 0, logits.length) : argmax(logits, FIRST_CODE, FIRST_CODE + CODES);
                logits = lm.decode(kv, new long[]{path[i]})[0];
            }
        }
        return path;
    }

    /** At each step of the given path: the most likely next token, and the most likely next audio code. */
    private static int[][] teacherForced(org.aceforge.engine.lm.CausalLm lm, long[] path) throws Exception {
        long[] prompt = new java.util.Random(2).longs(64, 0, 151_000).toArray();
        int[][] top = new int[2][path.length];
        try (KvCache kv = lm.newCache(1, 64 + path.length + 1)) {
            float[] logits = lm.prefill(kv, 0, prompt);
            for (int i = 0; i < path.length; i++) {
                top[0][i] = argmax(logits, 0, logits.length);
                top[1][i] = argmax(logits, FIRST_CODE, FIRST_CODE + CODES);
                logits = lm.decode(kv, new long[]{path[i]})[0];
            }
        }
        return top;
    }

    private static int argmax(float[] v, int from, int to) {
        int best = from;
        for (int i = from + 1; i < Math.min(to, v.length); i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
        return (double) same / a.length;
    }

    private static void measure(org.aceforge.engine.lm.CausalLm lm, Qwen3Config c, int layers, int repeats, String label,
                                PrintStream out) throws Exception {
        long[] prompt = new java.util.Random(1).longs(512, 0, 151_000).toArray();
        double prefill = Bench.median(repeats, () -> {
            try (KvCache kv = lm.newCache(1, 1024)) { lm.prefill(kv, 0, prompt); }
        });
        double[] decode = new double[2];
        int[] batches = {1, 4};
        for (int i = 0; i < 2; i++) {
            int b = batches[i];
            try (KvCache kv = lm.newCache(b, 1024)) {
                for (int s = 0; s < b; s++) lm.prefill(kv, s, Arrays.copyOf(prompt, 64));
                long[] tok = new long[b];
                Arrays.fill(tok, 151_700);
                decode[i] = Bench.median(repeats * 5, () -> lm.decode(kv, tok));
            }
        }
        out.printf("%-16s %d layers, vocab %d: prefill 512 tokens %.2f s (%.0f tokens/s)%n", label, layers, c.vocabSize(),
                prefill, 512 / prefill);
        out.printf("%-16s decode step: %.0f ms for 1 sequence, %.0f ms for 4 (2 variants + guidance twins)%n", "", decode[0] * 1e3, decode[1] * 1e3);
        out.printf("%-16s codes of a 30 s song (150 steps, 2 variants, CFG): ≈ %.0f s%n", "", 150 * decode[1] + prefill);
    }

    /** The network alone (no tokenizer): the benchmark feeds token ids. */
    private static final class BenchLm implements AutoCloseable {
        final org.aceforge.engine.lm.CausalLm lm;

        BenchLm(Qwen3Config c, RandomWeights w, GraphCache cache, Int8Kernel kernel) throws Exception {
            lm = org.aceforge.engine.lm.CausalLm.forNetwork(c, w.source(), cache, kernel);
        }

        @Override
        public void close() {
            lm.close();
        }
    }
}
