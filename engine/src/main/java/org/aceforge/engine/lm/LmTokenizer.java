package org.aceforge.engine.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.aceforge.engine.model.ModelFolderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The 5 Hz LM's tokenizer (Qwen3 BPE plus {@code <|audio_code_N|>} tokens) through DJL. Knows the ids the
 * generator needs: chat markers, {@code <think>}/{@code </think>}, the first audio-code token, and the text of
 * every token (for the constraints, decoded once in a single call).
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
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFolderException(tokenizerJson + ": unreadable tokenizer (" + e.getMessage() + ")", e);
        }
        this.vocabSize = vocabSize;
        try {
            imStart = special("<|im_start|>");
            imEnd = special("<|im_end|>");
            think = special("<think>");
            thinkEnd = special("</think>");
            audioCode0 = special("<|audio_code_0|>");
            long last = special("<|audio_code_" + (AUDIO_CODES - 1) + "|>");
            if (last != audioCode0 + AUDIO_CODES - 1)
                throw new ModelFolderException(tokenizerJson + ": audio-code tokens are not contiguous");
            if (last >= vocabSize) throw new ModelFolderException(tokenizerJson + ": audio-code tokens beyond the model's vocabulary");
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
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

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    public int vocabSize() { return vocabSize; }

    public boolean isAudioCode(long id) {
        return id >= audioCode0 && id < audioCode0 + AUDIO_CODES;
    }

    /** The text of each token id below the vocabulary size (empty for ids the tokenizer does not know). */
    public synchronized String[] tokenTexts() {
        if (texts == null) {
            long[][] single = new long[vocabSize][];
            for (int i = 0; i < vocabSize; i++) single[i] = new long[]{i};
            texts = tokenizer.batchDecode(single, false);
        }
        return texts;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
