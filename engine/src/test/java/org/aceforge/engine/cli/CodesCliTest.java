package org.aceforge.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.aceforge.engine.lm.AudioCodes;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `aceforge codes` and `render --codes`: audio → codes → a render that follows them; bad values exit 2. */
class CodesCliTest extends DemoPackCliTest {
    @Test
    void audioToCodesToARenderOfTheSameLength() throws Exception {
        Path src = tmp.resolve("src.wav"), codes = tmp.resolve("codes.txt");
        assertEquals(0, RenderCliTest.cli("render", "--caption", "x", "--model", model.toString(), "--duration", "12",
                "--seed", "1", "--out", src.toString()).code());
        RenderCliTest.Run c = RenderCliTest.cli("codes", "--src", src.toString(), "--model", model.toString(), "--out", codes.toString());
        assertEquals(0, c.code(), c.err());
        long[] parsed = AudioCodes.parse(Files.readString(codes));
        assertEquals(60, parsed.length, "12 s → 60 codes");
        RenderCliTest.Run printed = RenderCliTest.cli("codes", "--src", src.toString(), "--model", model.toString());
        assertArrayEquals(parsed, AudioCodes.parse(printed.out()), "printed and written codes agree (the encode is cached)");

        Path full = tmp.resolve("full.wav"), half = tmp.resolve("half.wav");
        assertEquals(0, RenderCliTest.cli("render", "--caption", "y", "--model", model.toString(), "--codes", "@" + codes,
                "--seed", "2", "--out", full.toString()).code());
        assertEquals(0, RenderCliTest.cli("render", "--caption", "y", "--model", model.toString(), "--codes", "@" + codes,
                "--code-strength", "0.5", "--seed", "2", "--out", half.toString()).code());
        assertEquals(12 * 48000, RenderCliTest.frames(full), "the codes fix the length");
        JsonNode j = new ObjectMapper().readTree(tmp.resolve("full.json").toFile());
        assertEquals(Files.readString(codes).strip(), j.path("codes").asText());
        assertEquals(12.0, j.path("duration").asDouble());
        assertFalse(Arrays.equals(Files.readAllBytes(full), Files.readAllBytes(half)), "code strength changes the render");

        Path numbers = tmp.resolve("numbers.txt");   // plain numbers with spaces and new lines work from a file too
        Files.writeString(numbers, String.join(" ", Arrays.stream(parsed).mapToObj(Long::toString).toList()).replaceFirst(" ", "\n"));
        RenderCliTest.Run printedAgain = RenderCliTest.cli("codes", "--codes", "@" + numbers, "--model", model.toString());
        assertEquals(0, printedAgain.code(), printedAgain.err());
        assertArrayEquals(parsed, AudioCodes.parse(printedAgain.out()));
        RenderCliTest.Run u = RenderCliTest.cli("codes", "--codes", "@" + codes, "--understand", "--model", model.toString());
        assertEquals(0, u.code(), u.err());
        assertTrue(u.out().contains("bpm: ") && u.out().contains("keyscale: ") && u.out().contains("lyrics: |"), u.out());
    }

    @Test
    void badCodeInputsExitTwoWithoutFiles() throws Exception {
        Path few = tmp.resolve("few.txt");
        Files.writeString(few, "1 2 3");
        String[][] bad = {
                {"codes"},
                {"codes", "--src", "missing.wav"},
                {"codes", "--src", "a.wav", "--codes", "1"},
                {"codes", "--codes", "<|audio_code_99999|>"},
                {"codes", "--codes", "@" + tmp.resolve("nofile.txt")},
                {"codes", "--codes", "@" + few, "--variant", "huge"},
                {"codes", "--codes", "@" + few, "--understand", "--lm-temperature", "3"},
                {"codes", "--codes", "@" + few, "--understand", "--lm", "9B"},
                {"render", "--describe", "x".repeat(2001), "--out", tmp.resolve("r.wav").toString()},
                {"render", "--caption", "x", "--codes", "@" + few, "--out", tmp.resolve("r.wav").toString()},
                {"render", "--caption", "x", "--codes", "1,2,x", "--out", tmp.resolve("r.wav").toString()},
                {"render", "--caption", "x", "--codes", "@" + few, "--code-strength", "2", "--out", tmp.resolve("r.wav").toString()},
                {"render", "--caption", "x", "--task", "cover", "--src", "a.wav", "--codes", "1 2", "--out", tmp.resolve("r.wav").toString()},
        };
        for (String[] args : bad) {
            List<String> a = new ArrayList<>(Arrays.asList(args));
            a.add("--model");
            a.add(model.toString());
            RenderCliTest.Run r = RenderCliTest.cli(a.toArray(new String[0]));
            assertEquals(2, r.code(), String.join(" ", args) + " → " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        RenderCliTest.Run noFolder = RenderCliTest.cli("codes", "--codes", "@" + few, "--model", tmp.resolve("nowhere").toString());
        assertEquals(2, noFolder.code(), noFolder.err());
        assertTrue(noFolder.err().contains("--model"), noFolder.err());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(few), files.toList(), "nothing written");
        }
    }
}
