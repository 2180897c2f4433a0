package org.aceforge.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.aceforge.engine.lm.Keys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The 5 Hz LM from the command line: --think, --cot, --describe, and bad LM options (exit 2, nothing written). */
class LmCliTest extends DemoPackCliTest {
    RenderCliTest.Run render(String... extra) {
        return run(List.of("render", "--model", model.toString()), extra);
    }

    static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void thinkWritesCodesTheDitFollowsAndKeepsTheUsersValues() throws Exception {
        Path out = tmp.resolve("t.wav");
        RenderCliTest.Run r = render("--caption", "warm lofi piano", "--think", "--duration", "12", "--bpm", "90",
                "--seed", "3", "--batch", "2", "--lm-debug", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (int i = 1; i <= 2; i++) {
            JsonNode j = json(tmp.resolve("t-" + i + ".json"));
            assertEquals(12 * 48000, RenderCliTest.frames(tmp.resolve("t-" + i + ".wav")));
            assertEquals(60, j.path("lm").path("code_count").asInt(), "5 codes per second");
            assertEquals(300, j.path("latent_frames").asInt(), "5 latent frames per code");
            assertEquals(90, j.path("bpm").asInt(), "the user's bpm is kept");
            assertTrue(Keys.ALL.contains(j.path("key").asText()), "the LM chose a key: " + j.path("key"));
            assertTrue(j.path("lm").path("cot").asText().contains("bpm: 90\n"));
            assertEquals("warm lofi piano", j.path("lm").path("user_caption").asText());
            String trace = j.path("lm").path("trace").toString();
            assertTrue(trace.contains("bpm: injected the user's value 90") && trace.contains("keyscale: ") && trace.contains("tokens allowed")
                    && trace.contains("codes: 2 variant(s) × 60 codes"), trace);
        }
        assertNotEquals(json(tmp.resolve("t-1.json")).path("lm").path("codes"), json(tmp.resolve("t-2.json")).path("lm").path("codes"));
        // Same seed, same codes and bytes.
        Path again = tmp.resolve("again.wav");
        assertEquals(0, render("--caption", "warm lofi piano", "--think", "--duration", "12", "--bpm", "90",
                "--seed", "3", "--out", again.toString()).code());
        assertEquals(json(tmp.resolve("t-1.json")).path("lm").path("codes"), json(tmp.resolve("again.json")).path("lm").path("codes"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("t-1.wav")), Files.readAllBytes(again));
    }

    @Test
    void cotOnlyFillsMetadataWithoutCodesAndNoCaptionRewriteKeepsTheCaption() throws Exception {
        Path out = tmp.resolve("c.wav");
        RenderCliTest.Run r = render("--caption", "dark techno", "--cot", "--no-cot-caption", "--seed", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(tmp.resolve("c.json"));
        assertTrue(j.path("lm").path("codes").isMissingNode(), "no codes without --think");
        assertEquals("dark techno", j.path("caption").asText());
        double d = j.path("duration").asDouble();
        assertTrue(d >= 10 && d <= 600 && d == Math.rint(d), "the LM's duration: " + d);
        assertEquals(Math.round(d * 48000), RenderCliTest.frames(out));
        assertFalse(j.path("language").asText().equals("unknown"), "the LM chose a language");
    }

    @Test
    void describeWritesCaptionLyricsAndRenders() throws Exception {
        Path out = tmp.resolve("s.wav");
        RenderCliTest.Run r = render("--describe", "a rainy night drive", "--duration", "10", "--language", "ja",
                "--seed", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(tmp.resolve("s.json"));
        assertEquals("a rainy night drive", j.path("lm").path("describe").asText());
        assertFalse(j.path("lyrics").asText().isBlank());
        assertEquals("ja", j.path("language").asText());
        assertEquals(50, j.path("lm").path("code_count").asInt());
    }

    @Test
    void formatRewritesCaptionAndLyricsBeforeRendering() throws Exception {
        Path out = tmp.resolve("f.wav");
        RenderCliTest.Run r = render("--caption", "rock", "--lyrics", "[Verse]\nhello", "--format", "--bpm", "130",
                "--duration", "10", "--seed", "6", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(tmp.resolve("f.json"));
        assertEquals("rock", j.path("lm").path("user_caption").asText());
        assertTrue(j.path("lm").has("sample_lyrics"), "the LM's rewrite is recorded");
        assertEquals(130, j.path("bpm").asInt());
        assertTrue(j.path("lm").path("codes").isMissingNode(), "--format alone writes no codes");
    }

    @Test
    void autoScoreRatesEveryVariantAndNeedsAnLm() throws Exception {
        Path out = tmp.resolve("s.wav");
        RenderCliTest.Run r = render("--caption", "warm piano", "--lyrics", "[Verse]\nhello", "--score", "--duration", "10",
                "--batch", "2", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (int i = 1; i <= 2; i++) {
            JsonNode s = json(tmp.resolve("s-" + i + ".json")).path("score");
            assertTrue(s.path("total").asDouble(-1) >= 0 && s.path("total").asDouble() <= 1, s.toString());
            assertTrue(s.path("lyrics").isNumber() && s.path("caption").isNumber() && s.path("metadata").isNumber(), s.toString());
        }
        // A checkpoints folder without an LM: --score is refused up front.
        Path noLm = Files.createDirectories(tmp.resolve("no-lm"));
        try (var dirs = Files.list(model)) {
            for (Path p : dirs.toList())
                if (!p.getFileName().toString().startsWith("acestep-5Hz-lm")) Files.createSymbolicLink(noLm.resolve(p.getFileName()), p);
        }
        RenderCliTest.Run bad = RenderCliTest.cli("render", "--caption", "x", "--model", noLm.toString(), "--score",
                "--duration", "10", "--out", tmp.resolve("bad.wav").toString());
        try (var links = Files.list(noLm)) {
            for (Path l : links.toList()) Files.delete(l);   // the links go before the temporary folder is cleaned
        }
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("5 Hz LM"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad.wav")));
    }

    @Test
    void lrcTimesEveryLyricLine() throws Exception {
        Path out = tmp.resolve("l.wav");
        RenderCliTest.Run r = render("--caption", "pop", "--lyrics", "[Verse]\nfirst line here\nsecond line here\n\n[Chorus]\nthe chorus",
                "--lrc", "--duration", "10", "--seed", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lrc = Files.readAllLines(tmp.resolve("l.lrc"));
        assertEquals(3, lrc.size(), lrc.toString());
        double prev = -1;
        for (String line : lrc) {
            assertTrue(line.matches("\\[\\d\\d:\\d\\d\\.\\d\\d\\].+"), line);
            double t = Integer.parseInt(line.substring(1, 3)) * 60 + Double.parseDouble(line.substring(4, 9));
            assertTrue(t >= prev && t <= 10, "times rise within the song: " + lrc);
            prev = t;
        }
        assertTrue(lrc.get(2).endsWith("the chorus"));
        assertEquals(3, json(tmp.resolve("l.json")).path("lrc").path("lines").size());
    }

    @Test
    void badLmOptionsExitTwoWithOneLineAndNoFiles() throws Exception {
        String[][] bad = {
                {"--caption", "x", "--think", "--duration", "10", "--lm-temperature", "5"},
                {"--caption", "x", "--think", "--duration", "10", "--lm-cfg", "0.5"},
                {"--caption", "x", "--think", "--duration", "10", "--lm-top-p", "0"},
                {"--caption", "x", "--think", "--duration", "10", "--lm-top-k", "-1"},
                {"--caption", "x", "--think", "--duration", "10", "--lm-chunk", "0"},
                {"--caption", "x", "--think", "--duration", "10", "--lm", "9B"},
                {"--caption", "x", "--duration", "10", "--lm", "1.7B"},
                {"--describe", "", "--duration", "10"},
                {"--describe", "a song", "--format", "--duration", "10"},
                {"--caption", "x", "--lrc", "--task", "cover", "--src", "missing.wav"},
                {"--caption", "x", "--think", "--task", "cover", "--src", "missing.wav"},
        };
        for (String[] args : bad) {
            Path out = tmp.resolve("bad.wav");
            List<String> a = new ArrayList<>(Arrays.asList(args));
            a.add("--out");
            a.add(out.toString());
            RenderCliTest.Run r = render(a.toArray(new String[0]));
            assertEquals(2, r.code(), String.join(" ", args) + " → " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            try (var files = Files.list(tmp)) {
                assertEquals(0, files.count(), "nothing written for " + String.join(" ", args));
            }
        }
    }
}
