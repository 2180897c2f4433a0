package org.aceforge.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginCoreTest {
    @TempDir
    Path tmp;

    static Path wav(Path file, int frames, float value) throws Exception {
        byte[] pcm = new byte[frames * 4];
        short s = (short) Math.round(value * 32767);
        for (int i = 0; i < frames * 2; i++) { pcm[2 * i] = (byte) s; pcm[2 * i + 1] = (byte) (s >> 8); }
        AudioFormat f = new AudioFormat(48000, 16, 2, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), f, frames), AudioFileFormat.Type.WAVE, file.toFile());
        return file;
    }

    @Test
    void captureIsTheLatestContiguousPlayedStretchWithItsTimelinePosition() {
        FakePort port = new FakePort(48000 * 10);
        float[] block = new float[128];
        for (int b = 0; b < 5; b++) port.captureBlock(block, 1000 + 64L * b, true);          // an earlier take
        for (int b = 0; b < 3; b++) port.captureBlock(block, 0, false);                       // stopped
        for (int b = 0; b < 10; b++) {
            float[] x = new float[128];
            java.util.Arrays.fill(x, b);
            port.captureBlock(x, 96000 + 64L * b, true);                                    // the latest take
        }
        Capture c = new PluginCore(port).capture();
        assertEquals(640, c.frames());
        assertEquals(96000, c.timelineStart());
        assertEquals(9f, c.interleaved()[2 * 639]);
        assertEquals(0f, c.interleaved()[0]);
    }

    @Test
    void nothingCapturedGivesAnEmptyCapture() {
        assertEquals(0, new PluginCore(new FakePort(1000)).capture().frames());
    }

    @Test
    void placeReadsTheFileIntoAClipAtTheTimelinePosition() throws Exception {
        FakePort port = new FakePort(1000);
        PluginCore core = new PluginCore(port);
        int slot = core.place(wav(tmp.resolve("v.wav"), 4800, 0.5f), 96000);
        assertEquals(0, slot);
        assertEquals(96000L, port.clipStarts.get(0));
        assertEquals(9600, port.clips.get(0).length);
        assertEquals(0.5f, port.clips.get(0)[100], 1e-4f);
        assertEquals(1, core.place(wav(tmp.resolve("w.wav"), 480, 0.1f), 0), "a second variant takes the next slot");
        core.unplace(0);
        assertTrue(!port.clips.containsKey(0));
    }

    @Test
    void resampledWhenTheHostRunsAtAnotherRate() throws Exception {
        FakePort port = new FakePort(1000);
        port.transport[0] = 96000;
        new PluginCore(port).place(wav(tmp.resolve("v.wav"), 4800, 0.25f), 0);
        assertEquals(2 * 9600, port.clips.get(0).length);
    }

    @Test
    void stateRoundTripRestoresSettingsAndPlacedVariants() throws Exception {
        FakePort port = new FakePort(1000);
        PluginCore core = new PluginCore(port);
        core.settings().caption = "dreamy synthwave";
        core.settings().regionStart = 12.5;
        core.settings().regionEnd = 20;
        core.place(wav(tmp.resolve("keep.wav"), 4800, 0.5f), 48000);
        byte[] state = core.saveState();

        FakePort port2 = new FakePort(1000);
        PluginCore reopened = new PluginCore(port2);
        reopened.restoreState(state);
        reopened.awaitRestore();
        assertEquals("dreamy synthwave", reopened.settings().caption);
        assertEquals(12.5, reopened.settings().regionStart);
        assertEquals(48000L, port2.clipStarts.get(0), "the placed variant plays again after reopening");
        assertEquals(List.of(), reopened.messages());
    }

    @Test
    void missingFilesAreReportedNotFatal() throws Exception {
        FakePort port = new FakePort(1000);
        PluginCore core = new PluginCore(port);
        Path f = wav(tmp.resolve("gone.wav"), 480, 0.5f);
        core.place(f, 0);
        byte[] state = core.saveState();
        Files.delete(f);
        PluginCore reopened = new PluginCore(new FakePort(1000));
        reopened.restoreState(state);
        reopened.awaitRestore();
        assertEquals(1, reopened.messages().size());
        assertTrue(reopened.messages().get(0).contains("missing"), reopened.messages().get(0));
        assertEquals(1, reopened.variants().size(), "the variant is remembered, not dropped");
    }

    @Test
    void badStatesAreReportedAndDefaultsKept() throws Exception {
        PluginCore core = new PluginCore(new FakePort(1000));
        core.restoreState("not json".getBytes(StandardCharsets.UTF_8));
        core.restoreState("{\"format\":\"other\"}".getBytes(StandardCharsets.UTF_8));
        core.restoreState("{\"format\":\"aceforge-plugin-state\",\"version\":99}".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, core.messages().size(), core.messages().toString());
        assertTrue(core.messages().get(2).contains("newer AceForge"));
        core.restoreState(new byte[0]);   // a project saved before the plugin had state
        assertEquals(3, core.messages().size());
        assertThrows(IOException.class, () -> PluginState.read("[]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void stateKeepsAllSettings() throws Exception {
        PluginSettings s = new PluginSettings();
        s.caption = "x";
        s.lyrics = "[Verse]\nla";
        s.instrumental = false;
        s.duration = 42;
        s.variant = "base";
        s.modelDir = "/models";
        s.seed = 7;
        PluginSettings r = PluginState.read(PluginState.write(s, List.of())).settings();
        assertEquals(s.lyrics, r.lyrics);
        assertEquals(42, r.duration);
        assertEquals("base", r.variant);
        assertEquals(7, r.seed);
        assertEquals(false, r.instrumental);
    }

    @Test
    void anUntouchedPluginSavesAnEmptyStateSoLoadingItNeedsNoJava() throws Exception {
        PluginCore core = new PluginCore(new FakePort(1000));
        assertEquals(0, core.saveState().length);
        core.settings().caption = "x";
        assertTrue(core.saveState().length > 0);
        PluginState.Restored r = PluginState.read(new byte[0]);
        assertEquals("", r.settings().caption);
        assertEquals(List.of(), r.notes());
    }

    @Test
    void invalidValuesInAStateBecomeDefaultsAndAreNamed() throws Exception {
        String big = "x".repeat(PluginState.MAX_TEXT + 1);
        String json = "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"" + big
                + "\",\"lyrics\":42,\"instrumental\":\"yes\",\"duration\":1e999,\"variant\":\"huge\",\"seed\":-5},"
                + "\"region\":{\"start\":-1e308,\"end\":\"a\"},\"variants\":[{\"path\":\"/a.wav\",\"sha256\":\"zz\"},"
                + "{\"path\":\"/b.wav\",\"sha256\":\"\",\"slot\":999,\"timelineStart\":-3,\"placed\":true}]}";
        PluginState.Restored r = PluginState.read(json.getBytes(StandardCharsets.UTF_8));
        PluginSettings d = new PluginSettings();
        assertEquals(d.caption, r.settings().caption);
        assertEquals(d.lyrics, r.settings().lyrics);
        assertEquals(d.instrumental, r.settings().instrumental);
        assertEquals(d.duration, r.settings().duration);
        assertEquals(d.variant, r.settings().variant);
        assertEquals(d.seed, r.settings().seed);
        assertEquals(d.regionStart, r.settings().regionStart);
        assertEquals(d.regionEnd, r.settings().regionEnd);
        assertEquals(1, r.variants().size(), "the entry with a bad hash is dropped, the other kept with defaults");
        assertEquals(-1, r.variants().get(0).slot());
        assertEquals(0, r.variants().get(0).timelineStart());
        assertEquals(false, r.variants().get(0).placed());
        for (String field : List.of("caption", "lyrics", "instrumental", "duration", "variant", "seed", "start", "end", "slot", "timelineStart"))
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("\"" + field + "\"")), field + " in " + r.notes());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("unreadable")));
    }

    @Test
    void tooManyVariantsAreCutAndNamed() throws Exception {
        StringBuilder b = new StringBuilder("{\"format\":\"aceforge-plugin-state\",\"version\":1,\"variants\":[");
        for (int i = 0; i < PluginState.MAX_VARIANTS + 10; i++) b.append(i > 0 ? "," : "").append("{\"path\":\"/v").append(i).append(".wav\"}");
        PluginState.Restored r = PluginState.read(b.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(PluginState.MAX_VARIANTS, r.variants().size());
        assertTrue(r.notes().get(0).contains("only the first"));
    }

    @Test
    void restoringNeverWaitsForFilesOnTheHostThread() throws Exception {
        FakePort port = new FakePort(1000);
        PluginCore core = new PluginCore(port);
        Path f = wav(tmp.resolve("big.wav"), 48000, 0.5f);
        List<Variant> forty = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) forty.add(new Variant(f, AudioClips.sha256(f), i < 16 ? i : -1, 48000L * i, i < 16));
        byte[] state = PluginState.write(core.settings(), forty);
        FakePort port2 = new FakePort(1000);
        port2.gate = new java.util.concurrent.CountDownLatch(1);   // placing blocks until released
        PluginCore reopened = new PluginCore(port2);
        reopened.restoreState(state, "The saved AceForge state had invalid values for Output Gain; their defaults are used.");
        assertEquals(0, port2.clipSets.get(), "restoreState returned before any clip was placed");
        assertEquals(40, reopened.variants().size(), "the kept variants are known at once (a save now loses nothing)");
        assertTrue(reopened.messages().get(0).contains("Output Gain"), "the shim's notice reaches the editor");
        port2.gate.countDown();
        reopened.awaitRestore();
        assertEquals(16, port2.clipSets.get());
        assertEquals(List.of(), reopened.messages().subList(1, reopened.messages().size()));
    }

    @Test
    void aLaterRestoreSupersedesAnUnfinishedOne() throws Exception {
        FakePort port = new FakePort(1000);
        PluginCore core = new PluginCore(port);
        core.place(wav(tmp.resolve("a.wav"), 480, 0.5f), 0);
        byte[] first = core.saveState();
        port.gate = new java.util.concurrent.CountDownLatch(1);
        PluginCore reopened = new PluginCore(port);
        reopened.restoreState(first);
        reopened.restoreState(new byte[0]);
        port.gate.countDown();
        reopened.awaitRestore();
        assertEquals(List.of(), reopened.variants(), "the empty state, restored last, wins");
    }
}
