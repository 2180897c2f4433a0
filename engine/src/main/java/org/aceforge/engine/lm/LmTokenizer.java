package org.aceforge.engine.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.aceforge.engine.model.ModelFolderException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The 5 Hz LM's tokenizer (Qwen3 BPE plus {@code <|audio_code_N|>} tokens) through DJL. Knows the ids the
 * generator needs: chat markers, {@code <think>}/{@code </think>}, the first audio-code token, and the text of
 * every token (for the constraints, decoded once in a single call).
 * <p>
 * The tens of thousands of audio-code tokens are taken out of the tokenizer's added-token list before DJL sees it:
 * the tokenizers library builds its added-token matcher slowly (41 s for 64,000 tokens here), and AceForge never
 * needs them as text — codes are produced and consumed as ids ({@code audioCode0 + N}).
 */
public final class LmTokenizer implements AutoCloseable {
    /** FSQ codes a DiT can decode: 8·8·8·5·5·5. */
    public static final int AUDIO_CODES = 64_000;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    public final long imStart, imEnd, think, thinkEnd, audioCode0;
    private String[] texts;

    public LmTokenizer(Path tokenizerJson, int vocabSize) {
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelFolderException("missing " + tokenizerJson);
        long firstCode;
        try {
            ObjectNode root = (ObjectNode) new ObjectMapper().readTree(tokenizerJson.toFile());
            firstCode = removeAudioCodes(root, tokenizerJson);
            byte[] slim = new ObjectMapper().writeValueAsBytes(root);
            tokenizer = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(slim),
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelFolderException m) throw m;
            throw new ModelFolderException(tokenizerJson + ": unreadable tokenizer (" + e.getMessage() + ")", e);
        }
        this.vocabSize = vocabSize;
        this.audioCode0 = firstCode;
        try {
            imStart = special("<|im_start|>");
            imEnd = special("<|im_end|>");
            think = special("<think>");
            thinkEnd = special("</think>");
            if (audioCode0 + AUDIO_CODES > vocabSize)
                throw new ModelFolderException(tokenizerJson + ": audio-code tokens beyond the model's vocabulary");
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static final Pattern AUDIO_CODE = Pattern.compile("<\\|audio_code_(\\d+)\\|>");

    /** Drops the audio-code entries from added_tokens; returns the id of code 0 after checking they are contiguous. */
    private static long removeAudioCodes(ObjectNode root, Path file) {
        JsonNode added = root.get("added_tokens");
        if (added == null || !added.isArray()) throw new ModelFolderException(file + ": no added_tokens (is this a 5 Hz LM tokenizer?)");
        ArrayNode kept = new ObjectMapper().createArrayNode();
        long first = -1;
        int count = 0;
        for (JsonNode t : added) {
            Matcher m = AUDIO_CODE.matcher(t.path("content").asText());
            if (!m.matches()) {
                kept.add(t);
                continue;
            }
            long n = Long.parseLong(m.group(1)), id = t.path("id").asLong();
            if (n == 0) first = id;
            else if (first < 0 || id != first + n)
                throw new ModelFolderException(file + ": audio-code tokens are not numbered contiguously");
            count++;
        }
        if (first < 0 || count < AUDIO_CODES)
            throw new ModelFolderException(file + ": the tokenizer has " + count + " audio-code tokens, fewer than the " + AUDIO_CODES + " codes of the DiT");
        root.set("added_tokens", kept);
        return first;
    }

    private long special(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) throw new ModelFolderException("the LM tokenizer has no token " + token + " (is this a 5 Hz LM folder?)");
        return ids[0];
    }

    /** Token ids of text; special tokens written in the text are parsed as such. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** Text of ids; audio codes are written as their tokens. */
    public String decode(long[] ids) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int i = 0; i <= ids.length; i++) {
            if (i < ids.length && !isAudioCode(ids[i])) continue;
            if (i > from) out.append(tokenizer.decode(java.util.Arrays.copyOfRange(ids, from, i), false));
            if (i < ids.length) out.append("<|audio_code_").append(ids[i] - audioCode0).append("|>");
            from = i + 1;
        }
        return out.toString();
    }

    public int vocabSize() { return vocabSize; }

    public boolean isAudioCode(long id) {
        return id >= audioCode0 && id < audioCode0 + AUDIO_CODES;
    }

    /** The text of each token id below the vocabulary size (empty for ids the tokenizer does not know). */
    public synchronized String[] tokenTexts() {
        if (texts == null) {
            int textual = (int) Math.min(vocabSize, audioCode0);
            long[][] single = new long[textual][];
            for (int i = 0; i < textual; i++) single[i] = new long[]{i};
            String[] t = tokenizer.batchDecode(single, false);
            texts = java.util.Arrays.copyOf(t, vocabSize);
            for (int i = textual; i < vocabSize; i++) texts[i] = isAudioCode(i) ? "<|audio_code_" + (i - audioCode0) + "|>" : "";
        }
        return texts;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
