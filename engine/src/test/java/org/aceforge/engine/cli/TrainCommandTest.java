package org.aceforge.engine.cli;

import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetSample;
import org.aceforge.engine.train.DatasetTest;
import org.aceforge.engine.train.TagPosition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code aceforge train} on the demo pack: a dataset trains into a PEFT folder that renders, one line per epoch,
 * checkpoints every N epochs, a resumed run ends where an uninterrupted one does, a folder of songs is scanned and
 * auto-labelled, and every bad value is exit 2 with one line and nothing written.
 */
class TrainCommandTest extends DemoPackCliTest {
    Path dataset() throws Exception {
        Path songs = tmp.resolve("songs");
        DatasetTest.clicks(songs.resolve("a.wav"), 10);
        DatasetTest.clicks(songs.resolve("b.wav"), 11);
        Dataset d = new Dataset("clicks", "zz", TagPosition.PREPEND, true, 0, List.of(
                new DatasetSample("1", "songs/a.wav", "a.wav", "metronome", "", "", 120, "C major", "4", 10, null, true, true),
                new DatasetSample("2", "songs/b.wav", "b.wav", "metronome, faster", "", "", 120, "C major", "4", 11, null, true, true)));
        Path f = tmp.resolve("dataset.json");
        DatasetJson.write(d, f);
        return f;
    }

    RenderCliTest.Run train(Path dataset, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--dataset", dataset.toString(), "--out", out.toString(), "--model", model.toString()));
        List<String> given = List.of(extra);
        String[][] small = {{"--rank", "4"}, {"--alpha", "8"}, {"--lr", "1e-3"}, {"--warmup", "0"}};   // quick on the demo pack
        for (String[] o : small) if (!given.contains(o[0])) a.addAll(List.of(o));
        return run(a, extra);
    }

    @Test
    void aDatasetTrainsIntoAnAdapterThatRenders() throws Exception {
        Path ds = dataset(), out = tmp.resolve("adapter");
        RenderCliTest.Run r = train(ds, out, "--epochs", "2", "--save-every", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.matches("epoch [12] loss \\d+\\.\\d{4}")).count(), r.out());
        assertTrue(r.err().contains("preprocessing 2/2: b.wav"), r.err());
        assertTrue(Files.isRegularFile(out.resolve("adapter_config.json")) && Files.isRegularFile(out.resolve("adapter_model.safetensors")));
        assertTrue(Files.isDirectory(out.resolve("checkpoint-epoch-1")) && Files.isDirectory(out.resolve("checkpoint")));
        RenderCliTest.Run render = run(List.of("render", "--caption", "zz, metronome", "--model", model.toString(), "--duration", "10",
                "--seed", "3", "--lora", out.toString(), "--out", tmp.resolve("with-lora.wav").toString()));
        assertEquals(0, render.code(), render.err());

        // Stopped after epoch 1 and resumed: the same adapter as two epochs straight.
        Path resumed = tmp.resolve("resumed");
        RenderCliTest.Run first = train(ds, resumed, "--epochs", "1");
        assertEquals(0, first.code(), first.err());
        RenderCliTest.Run second = train(ds, resumed, "--epochs", "2", "--resume", resumed.resolve("checkpoint").toString());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("resumed at epoch 2"), second.err());
        assertEquals(List.of("epoch 2"), second.out().lines().map(l -> l.substring(0, 7)).toList());
        SafeTensors a = SafeTensors.open(out.resolve("adapter_model.safetensors")), b = SafeTensors.open(resumed.resolve("adapter_model.safetensors"));
        for (String k : a.tensors().keySet()) assertArrayEquals(a.floats(k), b.floats(k), 0f, k);
    }

    @Test
    void aBatchIsItsSongsAveragedAndRecomputingMatchesKeeping() throws Exception {
        Path ds = dataset();
        Map<String, float[]> batch = trained(ds, "batch", "--batch", "2"), accum = trained(ds, "accum", "--grad-accum", "2");
        for (String k : batch.keySet()) assertArrayEquals(accum.get(k), batch.get(k), 0f, k);
        Map<String, float[]> keep = trained(ds, "keep", "--dropout", "0", "--activations", "keep");
        Map<String, float[]> recompute = trained(ds, "recompute", "--dropout", "0", "--activations", "recompute");
        for (String k : keep.keySet()) {
            float[] a = keep.get(k), b = recompute.get(k);
            double diff = 0, norm = 0;
            for (int i = 0; i < a.length; i++) { diff += Math.abs(a[i] - b[i]); norm += Math.abs(a[i]); }
            assertTrue(diff <= 1e-3 * norm, k + ": relative difference " + diff / norm);
        }
    }

    private Map<String, float[]> trained(Path ds, String name, String... options) throws Exception {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("--epochs", "2"));
        args.addAll(List.of(options));
        RenderCliTest.Run r = train(ds, out, args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        SafeTensors st = SafeTensors.open(out.resolve("adapter_model.safetensors"));
        Map<String, float[]> m = new java.util.TreeMap<>();
        for (String k : st.tensors().keySet()) m.put(k, st.floats(k));
        return m;
    }

    @Test
    void aFolderIsScannedAndLabelled() throws Exception {
        Path songs = tmp.resolve("folder");
        DatasetTest.clicks(songs.resolve("only.wav"), 10);
        Files.writeString(songs.resolve("broken.mp3"), "no");
        RenderCliTest.Run r = train(songs, tmp.resolve("from-folder"), "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipped " + songs.resolve("broken.mp3")) && r.err().contains("labelling 1/1: only.wav"), r.err());
        assertTrue(r.out().startsWith("epoch 1 loss "), r.out());
    }

    @Test
    void badInputIsExitTwoAndWritesNothing() throws Exception {
        Path ds = dataset(), out = tmp.resolve("never"), empty = Files.createDirectories(tmp.resolve("empty"));
        Path notCheckpoint = Files.createDirectories(tmp.resolve("not-a-checkpoint"));
        Path badJson = Files.writeString(tmp.resolve("bad.json"), "{\"samples\": [{\"audio_path\": \"a.wav\", \"bpm\": \"fast\"}]}");
        String[][] cases = {
                {"--batch 0 is out of range: use 1 to 64", ds.toString(), "--batch", "0"},
                {"--batch 64 × --grad-accum 32 is 2048 songs per step: use at most 1024", ds.toString(), "--batch", "64", "--grad-accum", "32"},
                {"--activations lots is unknown: use auto, keep or recompute", ds.toString(), "--activations", "lots"},
                {"--rank 0 is out of range", ds.toString(), "--rank", "0"},
                {"--rank 4096 is out of range: use 1 to 1024", ds.toString(), "--rank", "4096"},
                {"--rank 1000 is larger than layers.0.self_attn.q_proj", ds.toString(), "--rank", "1000"},
                {"--lr -1.0 is out of range", ds.toString(), "--lr", "-1"},
                {"--variant huge is unknown", ds.toString(), "--variant", "huge"},
                {"--dataset " + tmp.resolve("missing.json") + " does not exist", tmp.resolve("missing.json").toString()},
                {"--dataset: " + empty + " holds no audio files", empty.toString()},
                {"samples[0].bpm: \"fast\" is not a whole number", badJson.toString()},
                {"--resume " + notCheckpoint + " is not a training checkpoint", ds.toString(), "--resume", notCheckpoint.toString()},
                {"--epochs 0 is out of range", ds.toString(), "--epochs", "0"}};
        for (String[] c : cases) {
            List<String> extra = new ArrayList<>(List.of(c).subList(2, c.length));
            RenderCliTest.Run r = train(Path.of(c[1]), out, extra.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", c) + " → " + r.err());
            assertTrue(r.err().contains(c[0]), r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("aceforge:")).count(), r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", c));
        }
    }
}
