package org.aceforge.engine.train;

import org.aceforge.engine.audio.AudioFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training dataset: a folder scanned into songs (unreadable files listed and left out, an empty folder refused),
 * the official builder's JSON read and written, every wrong field named, the activation tag placed.
 */
public class DatasetTest {
    @TempDir
    Path tmp;

    /** A click every 0.5 s (120 BPM) with a 220 Hz tone, {@code seconds} long, at 44.1 kHz. */
    public static Path clicks(Path file, double seconds) throws Exception {
        int rate = 44100, n = (int) (seconds * rate);
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate, click = (t % 0.5) < 0.02 ? 0.8 * Math.exp(-(t % 0.5) * 200) : 0;
            float v = (float) (click + 0.1 * Math.sin(2 * Math.PI * 220 * t));
            x[2 * i] = v;
            x[2 * i + 1] = v;
        }
        Files.createDirectories(file.getParent());
        AudioFileWriter.write(file, x, 2, rate);
        return file;
    }

    @Test
    void aFolderBecomesADatasetAndUnreadableFilesAreListed() throws Exception {
        Path songs = tmp.resolve("songs");
        clicks(songs.resolve("b.wav"), 12);
        clicks(songs.resolve("sub/a.flac"), 8);
        Files.writeString(songs.resolve("broken.mp3"), "not an mp3 at all");
        Files.writeString(songs.resolve("notes.txt"), "ignored");
        List<Path> seen = new ArrayList<>();
        DatasetScanner.Scan scan = DatasetScanner.scan(songs, null, "mystyle", TagPosition.PREPEND, false, true, seen::add);
        Dataset d = scan.dataset();
        assertEquals("songs", d.name());
        assertEquals(List.of("b.wav", "sub/a.flac"), d.samples().stream().map(DatasetSample::filename).toList());
        assertEquals(3, seen.size(), "every audio file is looked at: " + seen);
        assertEquals(1, scan.skipped().size());
        assertEquals("broken.mp3", scan.skipped().get(0).file().getFileName().toString());
        assertFalse(scan.skipped().get(0).reason().isBlank());
        DatasetSample b = d.samples().get(0);
        assertEquals(12.0, b.duration(), 0.01);
        assertEquals(120, b.bpm(), 3, "the tempo from the signal");
        assertFalse(b.labeled());
        assertEquals("mystyle", d.trainingCaption(b), "an empty caption trains with the tag alone");
        assertEquals("[Instrumental]", b.trainingLyrics(false));
    }

    @Test
    void foldersWithNothingUsableAreRefusedInWords() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "x");
        assertTrue(assertThrows(DatasetException.class, () -> DatasetScanner.scan(empty, null, null, TagPosition.PREPEND, false, false, p -> { }))
                .getMessage().contains("holds no audio files"));
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("x.wav"), "RIFF nonsense");
        String m = assertThrows(DatasetException.class, () -> DatasetScanner.scan(broken, null, null, TagPosition.PREPEND, false, false, p -> { })).getMessage();
        assertTrue(m.contains("none of its 1 audio files could be read") && m.contains("x.wav"), m);
        assertTrue(assertThrows(DatasetException.class, () -> DatasetScanner.scan(tmp.resolve("missing"), null, null, TagPosition.PREPEND, false, false, p -> { }))
                .getMessage().endsWith("is not a folder"));
    }

    @Test
    void theJsonRoundTripsAndReadsTheOfficialBuildersFile() throws Exception {
        Dataset d = new Dataset("lofi", "lofi-tag", TagPosition.APPEND, false, 25, List.of(
                new DatasetSample("1", "songs/a.wav", "a.wav", "dusty piano", "lofi", "[verse]\nla", 82, "F minor", "4", 31.5, "en", false, true),
                new DatasetSample("2", "/abs/b.wav", "b.wav", "", "", "", null, null, null, 12, null, true, false)));
        Path file = tmp.resolve("ds/dataset.json");
        DatasetJson.write(d, file);
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file left");
        }
        Dataset back = DatasetJson.read(file);
        assertEquals(d.name(), back.name());
        assertEquals(d.customTag(), back.customTag());
        assertEquals(TagPosition.APPEND, back.tagPosition());
        assertEquals(25, back.genreRatio());
        assertEquals(d.samples().get(0), back.samples().get(0));
        DatasetSample b = back.samples().get(1);
        assertNull(b.bpm());
        assertNull(b.keyscale());
        assertTrue(b.instrumental());
        assertEquals("dusty piano, lofi-tag", back.trainingCaption(back.samples().get(0)));
        assertEquals(tmp.resolve("ds/songs/a.wav"), DatasetJson.audioOf(back.samples().get(0), file), "relative to the dataset's folder");

        // As the official builder writes it: extra fields, numbers as text, time signature as "4/4".
        Files.writeString(file, """
                {"metadata": {"name": "mine", "custom_tag": "zz", "tag_position": "replace", "created_at": "2026-01-01T00:00:00Z",
                  "num_samples": 1, "all_instrumental": true, "genre_ratio": 0, "directory": "/x"},
                 "samples": [{"id": "abc", "audio_path": "/x/s.mp3", "filename": "s.mp3", "caption": "c", "genre": "g",
                  "prompt_override": null, "lyrics": "[Instrumental]", "bpm": "120", "keyscale": "C major",
                  "timesignature": "4/4", "duration": 60, "language": "instrumental", "is_instrumental": true, "labeled": true}]}""");
        Dataset official = DatasetJson.read(file);
        assertEquals("zz", official.trainingCaption(official.samples().get(0)));
        assertEquals(120, official.samples().get(0).bpm());
        assertEquals("4", official.samples().get(0).timesignature());
        assertTrue(official.allInstrumental());
    }

    @Test
    void everyWrongFieldIsNamed() throws Exception {
        Path file = tmp.resolve("bad.json");
        String[][] cases = {
                {"{oops", "is not JSON"},
                {"[1, 2]", "a dataset is a JSON object"},
                {"{\"samples\": {}}", "samples must be a list"},
                {"{\"samples\": [1]}", "samples[0] must be an object"},
                {"{\"samples\": [{}]}", "samples[0].audio_path: is required"},
                {"{\"samples\": [{\"audio_path\": \"a.wav\", \"bpm\": \"fast\"}]}", "samples[0].bpm: \"fast\" is not a whole number"},
                {"{\"samples\": [{\"audio_path\": \"a.wav\", \"bpm\": 1000}]}", "samples[0].bpm: 1000 is out of range"},
                {"{\"samples\": [{\"audio_path\": \"a.wav\", \"is_instrumental\": \"maybe\"}]}", "samples[0].is_instrumental: \"maybe\" is not true or false"},
                {"{\"samples\": [{\"audio_path\": \"a.wav\", \"duration\": -3}]}", "samples[0].duration: -3 is not a number of seconds"},
                {"{\"samples\": [{\"audio_path\": \"a.wav\", \"timesignature\": \"5\"}]}", "samples[0].timesignature: '5' is not 2, 3, 4 or 6"},
                {"{\"samples\": [{\"audio_path\": [\"a\"]}]}", "samples[0].audio_path: [\"a\"] is not text"},
                {"{\"metadata\": {\"tag_position\": \"middle\"}, \"samples\": []}", "metadata.tag_position: 'middle' is not prepend, append or replace"},
                {"{\"metadata\": {\"genre_ratio\": 200}, \"samples\": []}", "metadata.genre_ratio: 200 is out of range"},
                {"{\"metadata\": 3, \"samples\": []}", "metadata must be an object"}};
        for (String[] c : cases) {
            Files.writeString(file, c[0]);
            String m = assertThrows(DatasetException.class, () -> DatasetJson.read(file), c[0]).getMessage();
            assertTrue(m.contains(c[1]), c[0] + " → " + m);
            assertEquals(1, m.lines().count(), m);
        }
        assertTrue(assertThrows(DatasetException.class, () -> DatasetJson.read(tmp.resolve("none.json"))).getMessage().contains("cannot be read"));
    }

    @Test
    void theTagGoesWhereItIsTold() {
        assertEquals("tag, song", TagPosition.PREPEND.apply("tag", "song"));
        assertEquals("song, tag", TagPosition.APPEND.apply(" tag ", "song"));
        assertEquals("tag", TagPosition.REPLACE.apply("tag", "song"));
        assertEquals("song", TagPosition.PREPEND.apply("", "song"));
        assertEquals(TagPosition.REPLACE, TagPosition.parse("Replace"));
        assertNull(TagPosition.parse("middle"));
    }
}
