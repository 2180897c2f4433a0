package org.aceforge.engine.cli;

import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code aceforge dataset}: scan, label with the demo pack's LM, write; every bad input exit 2 with one line, nothing written. */
class DatasetCommandTest extends DemoPackCliTest {
    Path songs() throws Exception {
        Path songs = tmp.resolve("songs");
        DatasetTest.clicks(songs.resolve("one.wav"), 10);
        DatasetTest.clicks(songs.resolve("two.flac"), 11);
        Files.writeString(songs.resolve("bad.ogg"), "nope");
        return songs;
    }

    @Test
    void scanLabelAndWrite() throws Exception {
        Path songs = songs(), out = tmp.resolve("ds.json");
        RenderCliTest.Run r = run(List.of("dataset", "--scan", songs.toString(), "--tag", "zz", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("dataset songs: 2 songs"), r.out());
        assertTrue(r.err().contains("skipped " + songs.resolve("bad.ogg")), r.err());
        Dataset d = DatasetJson.read(out);
        assertEquals(2, d.samples().size());
        assertFalse(d.samples().get(0).labeled());

        RenderCliTest.Run l = run(List.of("dataset", "--dataset", out.toString(), "--label", "--model", model.toString(), "--out", out.toString()));
        assertEquals(0, l.code(), l.err());
        assertTrue(l.err().contains("labelling 2/2: two.flac"), l.err());
        Dataset labelled = DatasetJson.read(out);
        assertTrue(labelled.samples().stream().allMatch(s -> s.labeled()), "every song labelled");
        assertTrue(labelled.samples().stream().allMatch(s -> labelled.trainingCaption(s).startsWith("zz")), "the tag kept");
    }

    @Test
    void badInputIsExitTwoAndWritesNothing() throws Exception {
        Path songs = songs(), out = tmp.resolve("never.json"), empty = Files.createDirectories(tmp.resolve("empty"));
        Path badJson = Files.writeString(tmp.resolve("bad.json"), "{\"samples\": [{\"audio_path\": \"a.wav\", \"bpm\": \"fast\"}]}");
        Path missingAudio = Files.writeString(tmp.resolve("missing.json"), "{\"samples\": [{\"audio_path\": \"gone.wav\"}]}");
        String[][] cases = {
                {"give either --scan FOLDER or --dataset FILE"},
                {"--tag-position middle is unknown", "--scan", songs.toString(), "--tag-position", "middle"},
                {"--scan: " + empty + " holds no audio files", "--scan", empty.toString()},
                {"--dataset: " + badJson + ": samples[0].bpm: \"fast\" is not a whole number", "--dataset", badJson.toString()},
                {"gone.wav does not exist", "--dataset", missingAudio.toString()},
                {"--skip-metadata and --transcribe-lyrics go with --label", "--scan", songs.toString(), "--skip-metadata"},
                {"--out " + tmp + " is a folder", "--scan", songs.toString(), "--out", tmp.toString()},
                {"--model " + tmp.resolve("nomodels") + " is not a folder", "--scan", songs.toString(), "--label", "--model", tmp.resolve("nomodels").toString()}};
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("dataset"));
            args.addAll(List.of(c).subList(1, c.length));
            if (!args.contains("--out")) args.addAll(List.of("--out", out.toString()));
            RenderCliTest.Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " → " + r.err());
            assertTrue(r.err().contains(c[0]), r.err());
            assertFalse(Files.exists(out), "nothing written for " + args);
        }
    }
}
