package org.aceforge.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.aceforge.engine.model.ModelFolderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the tokenizers library (native code bundled in the
 * jar, no network). Special tokens written in the text (e.g. {@code <|endoftext|>}) are parsed as such.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    public TextTokenizer(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelFolderException("missing " + tokenizerJson);
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFolderException(tokenizerJson + ": unreadable tokenizer (" + e.getMessage() + ")", e);
        }
    }

    /** Token ids, cut to maxLength (captions 256, lyrics 2048, as the reference truncates). */
    public long[] encode(String text, int maxLength) {
        Encoding e = tokenizer.encode(text, true, false);
        long[] ids = e.getIds();
        return ids.length > maxLength ? java.util.Arrays.copyOf(ids, maxLength) : ids;
    }

    /** Text of token ids (special tokens kept). */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
