package org.aceforge.engine.lm;

import ai.onnxruntime.OrtException;

/** One growing token sequence in its own cache, with the logits for its next token (the CoT phases). */
final class Sequence implements AutoCloseable {
    private final CausalLm lm;
    private final KvCache cache;
    private final java.util.List<Long> ids = new java.util.ArrayList<>();
    private final TokenIndex index;
    private float[] logits;

    Sequence(CausalLm lm, TokenIndex index, long[] prompt, int maxNew) throws OrtException {
        this.lm = lm;
        this.index = index;
        this.cache = lm.newCache(1, prompt.length + maxNew);
        this.logits = lm.prefill(cache, 0, prompt);
    }

    float[] logits() { return logits; }

    /** The text of the last token appended (empty before any). */
    String lastText() { return ids.isEmpty() ? "" : index.text(ids.get(ids.size() - 1).intValue()); }

    int room() { return cache.capacity() - cache.length(0); }

    void append(int id) throws OrtException {
        logits = lm.decode(cache, new long[]{id})[0];
        ids.add((long) id);
    }

    /** Tokens appended so far. */
    int count() { return ids.size(); }

    /** The properly decoded text of the tokens appended from position {@code from} on (multi-byte characters whole). */
    String decodeFrom(int from) {
        return lm.tokenizer().decode(ids.subList(from, ids.size()).stream().mapToLong(Long::longValue).toArray());
    }

    /** Appends text the user decided (a field's name, a value the user gave). */
    void force(String text) throws OrtException {
        for (long id : lm.tokenizer().encode(text)) append((int) id);
    }

    @Override
    public void close() {
        cache.close();
    }
}
