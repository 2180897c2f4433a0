package org.aceforge.engine.demo;

import org.aceforge.engine.text.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full-size pack's tokenizer, read by the Hugging Face tokenizers library as every pack is: each word of the
 * benchmark song's prompts is one token (so the encoders see about the sequence the real Qwen3 tokenizer gives), other
 * text falls back to bytes, and text decodes back unchanged.
 */
class WordTokenizerTest {
    @Test
    void wordsOfTheBenchmarkSongAreSingleTokens() throws Exception {
        Path dir = Path.of("target", "word-tokenizer").toAbsolutePath();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), DemoPack.wordTokenizer(DemoPack.benchPrompts()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("bytes.json"), DemoPack.byteLevelTokenizer(), StandardCharsets.UTF_8);
        try (TextTokenizer words = new TextTokenizer(dir.resolve("tokenizer.json")); TextTokenizer bytes = new TextTokenizer(dir.resolve("bytes.json"))) {
            List<String> prompts = DemoPack.benchPrompts();
            long[] caption = words.encode(prompts.get(0), 256), lyrics = words.encode(prompts.get(1), 2048);
            // "# Instruction\nFill the audio semantic mask …": a token per word, per punctuation run, per line break,
            // per number — 63 and 45 here (bytes: 213 and 172); the real tokenizer splits a few rare words ("lofi",
            // "timesignature") in two, about 68 for the caption.
            assertTrue(caption.length >= 45 && caption.length <= 70, "caption tokens: " + caption.length);
            assertTrue(lyrics.length >= 35 && lyrics.length <= 55, "lyric tokens: " + lyrics.length);
            assertEquals(bytes.encode(prompts.get(0), 256).length, prompts.get(0).replace("<|endoftext|>", "#").getBytes(StandardCharsets.UTF_8).length);
            assertEquals(1, words.encode(" piano", 8).length);
            assertEquals(1, words.encode("Streetlights", 8).length);
            // Words the song does not use fall back to bytes, as before.
            assertEquals(6, words.encode(" zebra", 8).length);
            for (String text : List.of(prompts.get(0), prompts.get(1), "a zebra's 42 ünïcode lines\n\nend")) {
                long[] ids = words.encode(text, 4096);
                assertEquals(text, words.decode(ids));
                assertArrayEquals(ids, words.encode(words.decode(ids), 4096));
            }
        }
    }
}
