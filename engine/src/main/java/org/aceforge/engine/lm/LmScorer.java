package org.aceforge.engine.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * The LM quality score of a result (spec §4.8), in the "understand" direction: how much better the LM predicts the
 * caption and the lyrics when it sees the result's audio codes than when it does not (PMI, mapped to [0, 1] by
 * sigmoid(PMI / 0.1)), and how many of the metadata values' tokens are among its 10 most likely tokens given the
 * codes. The total weighs caption 0.5, lyrics 0.3 and metadata 0.2 over the parts present. Worker threads only.
 */
public final class LmScorer {
    static final int TOP_K = 10;
    static final double PMI_SCALE = 0.1;

    /** Scores in [0, 1]; null where the part is absent (no lyrics for an instrumental). */
    public record Score(double total, Double caption, Double lyrics, Double metadata) {}

    private final CausalLm lm;

    public LmScorer(CausalLm lm) {
        this.lm = lm;
    }

    public Score score(long[] codes, String caption, String lyrics, CotMetadata meta) throws Exception {
        Double cap = caption == null || caption.isBlank() ? null : sigmoid(pmi(codes, "<think>\ncaption: " + caption.strip() + "\n</think>\n"));
        boolean hasLyrics = lyrics != null && !lyrics.isBlank() && !lyrics.strip().equals("[Instrumental]");
        Double lyr = hasLyrics ? sigmoid(pmi(codes, "<think>\n</think>\n# Lyric\n" + lyrics.strip() + "\n")) : null;
        List<String[]> fields = new ArrayList<>();
        if (meta != null) {
            if (meta.bpm() != null) fields.add(new String[]{"bpm", meta.bpm().toString()});
            if (meta.duration() != null) fields.add(new String[]{"duration", meta.duration().toString()});
            if (meta.keyscale() != null) fields.add(new String[]{"keyscale", meta.keyscale()});
            if (meta.language() != null) fields.add(new String[]{"language", meta.language()});
            if (meta.timesignature() != null) fields.add(new String[]{"timesignature", meta.timesignature().toString()});
        }
        List<Double> recalls = recalls(codes, fields);
        Double md = recalls.isEmpty() ? null : recalls.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sum = 0, weight = 0;
        if (cap != null) { sum += 0.5 * cap; weight += 0.5; }
        if (lyr != null) { sum += 0.3 * lyr; weight += 0.3; }
        if (md != null) { sum += 0.2 * md; weight += 0.2; }
        return new Score(weight == 0 ? 0 : sum / weight, cap, lyr, md);
    }

    static double sigmoid(double pmi) {
        return 1 / (1 + Math.exp(-pmi / PMI_SCALE));
    }

    /** Prompt ids of the understand direction: the codes (or "NO USER INPUT") as the user turn. */
    long[] prompt(long[] codes) {
        LmTokenizer t = lm.tokenizer();
        long[] head = t.encode(LmPrompts.system(LmPrompts.UNDERSTAND) + "<|im_start|>user\n");
        long[] body = codes == null ? t.encode(LmOptions.NO_USER_INPUT) : codes.clone();
        if (codes != null) for (int i = 0; i < body.length; i++) body[i] += t.audioCode0;
        long[] tail = t.encode("<|im_end|>\n<|im_start|>assistant\n");
        return concat(head, body, tail);
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) n += p.length;
        long[] out = new long[n];
        int at = 0;
        for (long[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }

    /** Mean log-probability of the target's tokens after the prompt. */
    private double meanLogProb(long[] prompt, long[] target) throws Exception {
        long[] ids = concat(prompt, target);
        long[] positions = new long[target.length];
        for (int i = 0; i < target.length; i++) positions[i] = prompt.length - 1 + i;   // the logits that predict target[i]
        float[][] logits = lm.logitsAt(ids, positions);
        double sum = 0;
        for (int i = 0; i < target.length; i++) sum += logSoftmax(logits[i], (int) target[i]);
        return sum / target.length;
    }

    static double logSoftmax(float[] logits, int id) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double z = 0;
        for (float v : logits) z += Math.exp(v - max);
        return logits[id] - max - Math.log(z);
    }

    private double pmi(long[] codes, String target) throws Exception {
        long[] t = lm.tokenizer().encode(target);
        return meanLogProb(prompt(codes), t) - meanLogProb(prompt(null), t);
    }

    /**
     * For each field, the fraction of its value's tokens that are among the 10 most likely at their place, given the
     * codes — all fields in one pass over "<think>\nbpm: 120\nduration: 30\n…", as the chain of thought writes them.
     */
    private List<Double> recalls(long[] codes, List<String[]> fields) throws Exception {
        if (fields.isEmpty()) return List.of();
        LmTokenizer t = lm.tokenizer();
        List<long[]> parts = new ArrayList<>(List.of(prompt(codes), t.encode("<think>\n")));
        List<int[]> valueSpans = new ArrayList<>();   // [first, end) of each value's tokens in the whole sequence
        int length = parts.get(0).length + parts.get(1).length;
        for (String[] f : fields) {
            long[] name = t.encode(f[0] + ":"), value = t.encode(" " + f[1] + "\n");
            parts.add(name);
            parts.add(value);
            valueSpans.add(new int[]{length + name.length, length + name.length + value.length});
            length += name.length + value.length;
        }
        long[] ids = concat(parts.toArray(new long[0][]));
        int count = 0;
        for (int[] span : valueSpans) count += span[1] - span[0];
        long[] positions = new long[count];
        int k = 0;
        for (int[] span : valueSpans) for (int p = span[0]; p < span[1]; p++) positions[k++] = p - 1;   // logits predicting token p
        float[][] logits = lm.logitsAt(ids, positions);
        List<Double> out = new ArrayList<>();
        k = 0;
        for (int[] span : valueSpans) {
            int hits = 0;
            for (int p = span[0]; p < span[1]; p++, k++) if (rank(logits[k], (int) ids[p]) < TOP_K) hits++;
            out.add(hits / (double) (span[1] - span[0]));
        }
        return out;
    }

    /** How many tokens are more likely than this one. */
    static int rank(float[] logits, int id) {
        int r = 0;
        for (float v : logits) if (v > logits[id]) r++;
        return r;
    }
}
