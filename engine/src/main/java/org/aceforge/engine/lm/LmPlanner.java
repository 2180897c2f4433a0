package org.aceforge.engine.lm;

import ai.onnxruntime.OrtException;

import java.util.ArrayList;
import java.util.List;

/**
 * The 5 Hz LM's work for a render (spec §4): the chain of thought that fills the metadata the user left empty
 * (bpm, caption, duration, key, language, time signature, each constrained to valid values), the audio codes
 * (5 per second, classifier-free guided, exactly the requested length), and Simple mode's "create sample".
 * Worker threads only.
 */
public final class LmPlanner {
    /** Longest caption the LM may write, in tokens. */
    static final int CAPTION_MAX_TOKENS = 512;
    /** Longest lyrics Simple mode may write, in tokens. */
    static final int LYRICS_MAX_TOKENS = 1500;
    public static final int CODES_PER_SECOND = 5;
    static final List<String> TIME_SIGNATURES = List.of("2", "3", "4", "6");

    /** Called between tokens: progress and cancellation. */
    public interface Progress {
        void tokens(String phase, int done, int total) throws Exception;
    }

    /** What the user gave (null = let the LM decide). */
    public record Given(String caption, String lyrics, Integer bpm, String keyscale, Integer timesignature,
                        Integer duration, String language) {}

    /** A Simple-mode sample: everything a text2music render needs. */
    public record Sample(CotMetadata metadata, String lyrics) {}

    private final CausalLm lm;
    private final java.util.Set<String> languages;
    private final int maxDuration;
    private TokenIndex index;
    /** Constrained-decoding debug: what each constrained step allowed and chose (null: off). */
    private java.util.function.Consumer<String> trace;

    /** Turns the constrained-decoding trace on (a sink for its lines) or off (null). Worker thread of the job. */
    public synchronized void trace(java.util.function.Consumer<String> sink) {
        trace = sink;
    }

    private void note(String line) {
        if (trace != null) trace.accept(line);
    }

    public LmPlanner(CausalLm lm, java.util.Set<String> languages, int maxDuration) {
        this.lm = lm;
        this.languages = languages;
        this.maxDuration = maxDuration;
    }

    /** The LM this planner writes with. */
    public CausalLm model() {
        return lm;
    }

    private synchronized TokenIndex index() {
        if (index == null) index = new TokenIndex(lm.tokenizer());
        return index;
    }

    private long[] encode(String text) {
        return lm.tokenizer().encode(text);
    }

    // ---------------- phase 1: chain of thought ----------------

    /** Writes the metadata the user left empty (no guidance: it distorts text). */
    public CotMetadata think(Given g, LmOptions o, long seed, Progress progress) throws Exception {
        String prompt = LmPrompts.cot(g.caption(), lyricsOrInstrumental(g.lyrics()));
        try (Sequence s = new Sequence(lm, index(), encode(prompt), CAPTION_MAX_TOKENS + 200)) {
            return writeCot(s, g, new TokenSampler(o, seed), progress);
        }
    }

    /** Simple mode: description → caption, metadata and lyrics (vocal language injected when given). */
    public Sample createSample(String query, boolean instrumental, String language, LmOptions o, long seed, Progress progress) throws Exception {
        String lang = language == null || language.equals("unknown") ? null : language;
        Given g = new Given(null, null, null, null, null, null, lang);
        try (Sequence s = new Sequence(lm, index(), encode(LmPrompts.inspire(query, instrumental)), CAPTION_MAX_TOKENS + 200 + LYRICS_MAX_TOKENS)) {
            TokenSampler sampler = new TokenSampler(o, seed);
            CotMetadata m = writeCot(s, g, sampler, progress);
            String lyrics = instrumental ? "[Instrumental]" : freeText(s, sampler, LYRICS_MAX_TOKENS, progress);
            if (lyrics.isBlank()) lyrics = "[Instrumental]";
            return new Sample(m, lyrics);
        }
    }

    /** "Format": the LM rewrites caption and lyrics into a detailed description; values the user gave are kept. */
    public Sample format(Given g, boolean instrumental, LmOptions o, long seed, Progress progress) throws Exception {
        String prompt = LmPrompts.format(g.caption(), instrumental ? null : g.lyrics());
        try (Sequence s = new Sequence(lm, index(), encode(prompt), CAPTION_MAX_TOKENS + 200 + LYRICS_MAX_TOKENS)) {
            TokenSampler sampler = new TokenSampler(o, seed);
            CotMetadata m = writeCot(s, g, sampler, progress);
            String lyrics = instrumental ? "[Instrumental]" : freeText(s, sampler, LYRICS_MAX_TOKENS, progress);
            return new Sample(m, lyrics.isBlank() ? lyricsOrInstrumental(g.lyrics()) : lyrics);
        }
    }

    /** "Understand" (transcribe): audio codes → caption, metadata and lyrics. */
    public Sample understand(long[] codes, LmOptions o, long seed, Progress progress) throws Exception {
        LmTokenizer t = lm.tokenizer();
        long[] head = encode(LmPrompts.system(LmPrompts.UNDERSTAND) + "<|im_start|>user\n");
        long[] tail = encode("<|im_end|>\n<|im_start|>assistant\n");
        long[] ids = new long[head.length + codes.length + tail.length];
        System.arraycopy(head, 0, ids, 0, head.length);
        for (int i = 0; i < codes.length; i++) ids[head.length + i] = t.audioCode0 + codes[i];
        System.arraycopy(tail, 0, ids, head.length + codes.length, tail.length);
        try (Sequence s = new Sequence(lm, index(), ids, CAPTION_MAX_TOKENS + 200 + LYRICS_MAX_TOKENS)) {
            TokenSampler sampler = new TokenSampler(o, seed);
            CotMetadata m = writeCot(s, new Given(null, null, null, null, null, null, null), sampler, progress);
            String lyrics = freeText(s, sampler, LYRICS_MAX_TOKENS, progress);
            return new Sample(m, lyrics.isBlank() ? "[Instrumental]" : lyrics);
        }
    }

    private CotMetadata writeCot(Sequence s, Given g, TokenSampler sampler, Progress progress) throws Exception {
        s.force("<think>\n");
        int bpm = g.bpm() != null ? given(s, "bpm", g.bpm()) : Integer.parseInt(choose(s, "bpm", range(30, 300), sampler, false));
        progress.tokens("thinking", 1, 6);
        String caption = caption(s, sampler);
        progress.tokens("thinking", 2, 6);
        int duration = g.duration() != null ? given(s, "duration", g.duration())
                : Integer.parseInt(choose(s, "duration", range(10, maxDuration), sampler, false));
        progress.tokens("thinking", 3, 6);
        String key = g.keyscale() != null ? givenText(s, "keyscale", g.keyscale()) : choose(s, "keyscale", Keys.ALL, sampler, false);
        progress.tokens("thinking", 4, 6);
        String language = g.language() != null ? givenText(s, "language", g.language())
                : choose(s, "language", languages.stream().filter(l -> !l.equals("unknown")).sorted().toList(), sampler, true);
        progress.tokens("thinking", 5, 6);
        int ts = g.timesignature() != null ? given(s, "timesignature", g.timesignature())
                : Integer.parseInt(choose(s, "timesignature", TIME_SIGNATURES, sampler, false));
        s.force("</think>");
        progress.tokens("thinking", 6, 6);
        return new CotMetadata(bpm, caption.isBlank() ? g.caption() : caption, duration, key, language, ts);
    }

    private int given(Sequence s, String field, int value) throws OrtException {
        s.force(field + ": " + value + "\n");
        note(field + ": injected the user's value " + value);
        return value;
    }

    private String givenText(Sequence s, String field, String value) throws OrtException {
        s.force(field + ": " + value + "\n");
        note(field + ": injected the user's value " + value);
        return value;
    }

    private static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int v = from; v <= to; v++) out.add(Integer.toString(v));
        return out;
    }

    /**
     * Writes "field: value\n" with value one of {@code values}: at each step only tokens that keep the text a prefix
     * of some " value\n" are allowed, whichever way the tokenizer splits it. Greedy for the language (as the
     * reference), sampled otherwise.
     */
    private String choose(Sequence s, String field, List<String> values, TokenSampler sampler, boolean greedy) throws Exception {
        s.force(field + ":");
        TokenIndex ix = index();
        List<String> targets = values.stream().map(v -> " " + v + "\n").toList();
        String done = "";
        while (true) {
            boolean[] allowed = new boolean[s.logits().length];
            boolean any = false;
            for (String t : targets) {
                if (!t.startsWith(done)) continue;
                for (int end = done.length() + 1; end <= t.length(); end++) {
                    int[] ids = ix.byText.get(t.substring(done.length(), end));
                    if (ids == null) continue;
                    for (int id : ids) if (id < allowed.length) { allowed[id] = true; any = true; }
                }
            }
            if (!any) throw new IllegalStateException("the LM tokenizer cannot spell a " + field + " value");
            int id = greedy ? TokenSampler.argmax(s.logits(), allowed) : sampler.sample(s.logits().clone(), allowed);
            if (trace != null) {
                int n = 0;
                for (boolean b : allowed) if (b) n++;
                note(field + ": " + n + " tokens allowed after '" + done.replace("\n", "\\n") + "', " + (greedy ? "greedy" : "sampled")
                        + " '" + ix.text(id).replace("\n", "\\n") + "'");
            }
            done += ix.text(id);
            s.append(id);
            if (targets.contains(done)) return done.strip();
        }
    }

    /** The caption: free text that ends at a newline whose next line is not indented (YAML continuation). */
    private String caption(Sequence s, TokenSampler sampler) throws Exception {
        s.force("caption:");
        TokenIndex ix = index();
        int from = s.count();
        for (int n = 0; ; n++) {
            if (n >= CAPTION_MAX_TOKENS || s.room() < 40) {
                if (!s.lastText().endsWith("\n")) s.force("\n");
                break;
            }
            int id = sampler.sample(s.logits().clone(), ix.freeText);
            s.append(id);
            if (ix.text(id).endsWith("\n")) {
                String next = ix.text(TokenSampler.argmax(s.logits(), ix.freeText));
                if (!next.startsWith(" ") && !next.startsWith("\t")) break;
            }
        }
        String caption = joinLines(s.decodeFrom(from));
        note("caption: " + (s.count() - from) + " tokens (free text without backticks or audio codes), ended "
                + (s.count() - from >= CAPTION_MAX_TOKENS ? "at the " + CAPTION_MAX_TOKENS + "-token limit" : "at an unindented new line"));
        return caption;
    }

    /** Free text after the think block (Simple mode's lyrics), until the end of the turn; a "# Lyric" header dropped. */
    private String freeText(Sequence s, TokenSampler sampler, int maxTokens, Progress progress) throws Exception {
        TokenIndex ix = index();
        boolean[] allowed = ix.freeText.clone();
        long end = lm.tokenizer().imEnd;
        allowed[(int) end] = true;
        int from = s.count();
        for (int n = 0; n < maxTokens && s.room() > 1; n++) {
            int id = sampler.sample(s.logits().clone(), allowed);
            if (id == end) break;
            s.append(id);
            if (n % 32 == 0) progress.tokens("writing lyrics", n, maxTokens);
        }
        String text = s.decodeFrom(from).strip();
        if (text.startsWith("# Lyric")) text = text.substring("# Lyric".length()).strip();
        return text;
    }

    static String joinLines(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    static String lyricsOrInstrumental(String lyrics) {
        return lyrics == null || lyrics.isBlank() ? "[Instrumental]" : lyrics;
    }

    // ---------------- phase 2: audio codes ----------------

    /**
     * Audio codes for {@code items} variants, {@code count} each (5 per second), decoded together; with guidance
     * each variant has an unconditional twin that receives the same tokens. Codes are FSQ indices 0..63999.
     */
    public long[][] codes(String caption, String lyrics, CotMetadata cot, int items, int count, LmOptions o, long[] seeds,
                          Progress progress) throws Exception {
        LmTokenizer t = lm.tokenizer();
        String lyr = lyricsOrInstrumental(lyrics);
        long[] cond = encode(LmPrompts.codes(caption, lyr, cot.yaml()));
        boolean guided = o.cfgScale() != 1.0;
        long[] uncond = guided ? encode(LmPrompts.codesUnconditional(caption, lyr, o)) : null;
        int streams = guided ? 2 * items : items;
        int capacity = Math.max(cond.length, guided ? uncond.length : 0) + count + 1;
        boolean[] allowed = new boolean[lm.config().vocabSize()];
        for (int c = 0; c < LmTokenizer.AUDIO_CODES; c++) allowed[(int) t.audioCode0 + c] = true;
        long[][] out = new long[items][count];
        try (KvCache cache = lm.newCache(streams, capacity)) {
            // Every variant has the same prompt: prefill once, copy the cache.
            float[] condLogits = lm.prefill(cache, 0, cond);
            float[] uncondLogits = guided ? lm.prefill(cache, items, uncond) : null;
            float[][] logits = new float[streams][];
            for (int b = 0; b < items; b++) {
                if (b > 0) cache.copySequence(0, b);
                logits[b] = condLogits.clone();
                if (guided) {
                    if (b > 0) cache.copySequence(items, items + b);
                    logits[items + b] = uncondLogits.clone();
                }
            }
            note("codes: " + items + " variant(s) × " + count + " codes, " + (guided ? "guided (scale " + o.cfgScale() + ", "
                    + streams + " sequences)" : "unguided") + "; only the 64,000 audio-code tokens allowed, EOS blocked until the end");
            TokenSampler[] samplers = new TokenSampler[items];
            for (int b = 0; b < items; b++) samplers[b] = new TokenSampler(o, seeds[b]);
            long[] next = new long[streams];
            for (int step = 0; step < count; step++) {
                for (int b = 0; b < items; b++) {
                    float[] l = logits[b];
                    if (guided) TokenSampler.guide(l, logits[items + b], o.cfgScale(), allowed);
                    int id = samplers[b].sample(l, allowed);
                    out[b][step] = id - t.audioCode0;
                    next[b] = id;
                    if (guided) next[items + b] = id;
                }
                progress.tokens("audio codes", step + 1, count);
                if (step + 1 < count) logits = lm.decode(cache, next);
            }
        }
        return out;
    }

    /** Codes as the LM writes them, for sidecars and the details view. */
    public static String codeString(long[] codes) {
        StringBuilder s = new StringBuilder();
        for (long c : codes) s.append("<|audio_code_").append(c).append("|>");
        return s.toString();
    }
}
