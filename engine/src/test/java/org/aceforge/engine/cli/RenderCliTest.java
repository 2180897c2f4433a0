package org.aceforge.engine.cli;

import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The render command's contract: files, lengths, reproducibility, batch naming and exit codes. */
public class RenderCliTest extends DemoPackCliTest {
    public record Run(int code, String out, String err) {}

    /** Runs the command line in this JVM, capturing what it prints (other packages' tests use it too). */
    public static synchronized Run cli(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream ob = new ByteArrayOutputStream(), eb = new ByteArrayOutputStream();
        System.setOut(new PrintStream(ob, true));
        System.setErr(new PrintStream(eb, true));
        try {
            int code = Main.execute(args);
            return new Run(code, ob.toString(), eb.toString());
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    Run render(String... extra) {
        List<String> a = new ArrayList<>(List.of("render", "--caption", "warm lofi piano", "--model", model.toString()));
        a.addAll(Arrays.asList(extra));
        return cli(a.toArray(new String[0]));
    }

    static int frames(Path wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            assertEquals(48000f, f.getSampleRate());
            assertEquals(2, f.getChannels());
            return (int) in.getFrameLength();
        }
    }

    @Test
    void tenSecondsGiveTenTimes48000SamplesAndASidecar() throws Exception {
        Path out = tmp.resolve("a.wav");
        Run r = render("--duration", "10", "--seed", "7", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(10 * 48000, frames(out));
        String json = Files.readString(tmp.resolve("a.json"));
        assertTrue(json.contains("\"seed\" : 7"), json);
        assertTrue(r.err().contains("noise-like"), "the demo pack must be announced: " + r.err());
    }

    @Test
    void outOfMemoryOnEveryRungSaysWhatToChangeExitsOneAndWritesNothing() throws Exception {
        Path out = tmp.resolve("oom.wav");
        System.setProperty("aceforge.faults.vaeTileFrames", "0");
        try {
            Run r = render("--duration", "10", "--seed", "7", "--out", out.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("aceforge: out of memory even one variant at a time in the smallest pieces (10 s of music)"), r.err());
            assertFalse(r.err().contains("internal error"), r.err());
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("oom")).toList());
            }
        } finally {
            System.clearProperty("aceforge.faults.vaeTileFrames");
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherAudio() throws Exception {
        Path a = tmp.resolve("a.wav"), b = tmp.resolve("b.wav"), c = tmp.resolve("c.wav");
        assertEquals(0, render("--duration", "10", "--seed", "11", "--out", a.toString()).code());
        assertEquals(0, render("--duration", "10", "--seed", "11", "--out", b.toString()).code());
        assertEquals(0, render("--duration", "10", "--seed", "12", "--out", c.toString()).code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void batchWritesNumberedFilesWithSidecarsAndReportsSeeds() throws Exception {
        Path out = tmp.resolve("song.flac");
        Run r = render("--duration", "10", "--batch", "2", "--seed", "5,-1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("song-1.flac", "song-1.json", "song-2.flac", "song-2.json"))
            assertTrue(Files.isRegularFile(tmp.resolve(f)), f);
        assertFalse(Files.exists(out));
        assertTrue(r.out().contains("seed 5"), r.out());
        assertTrue(Files.readString(tmp.resolve("song-2.json")).contains("\"batch_index\" : 2"));
    }

    @Test
    void anSdeVariantReRenderedAloneFromItsSidecarIsTheSameAudio() throws Exception {
        // Each variant re-noises from its own generator: variant 3 must not depend on variants 1 and 2.
        Path batch = tmp.resolve("sde.wav");
        Run r = render("--duration", "10", "--batch", "3", "--seed", "21,22,23", "--method", "sde", "--out", batch.toString());
        assertEquals(0, r.code(), r.err());
        String sidecar = Files.readString(tmp.resolve("sde-3.json"));
        java.util.regex.Matcher seed = java.util.regex.Pattern.compile("\"seed\" : (\\d+)").matcher(sidecar);
        assertTrue(seed.find(), sidecar);
        Path alone = tmp.resolve("alone.wav");
        assertEquals(0, render("--duration", "10", "--seed", seed.group(1), "--method", "sde", "--out", alone.toString()).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("sde-3.wav")), Files.readAllBytes(alone));
        Path first = tmp.resolve("first.wav");
        assertEquals(0, render("--duration", "10", "--seed", "21", "--method", "sde", "--out", first.toString()).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("sde-1.wav")), Files.readAllBytes(first));
    }

    @Test
    void mp3AndFlacAreWritten() throws Exception {
        Path mp3 = tmp.resolve("x.mp3");
        assertEquals(0, render("--duration", "10", "--seed", "1", "--out", mp3.toString()).code());
        byte[] head = Arrays.copyOf(Files.readAllBytes(mp3), 3);
        assertTrue((head[0] == 'I' && head[1] == 'D' && head[2] == '3') || (head[0] & 0xff) == 0xff, "MP3 header");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(tmp.resolve("x.mp3").toFile())) {
            assertEquals(48000f, in.getFormat().getSampleRate());
        }
    }

    @Test
    void baseVariantRendersWithCfgOptions() throws Exception {
        Path out = tmp.resolve("base.wav");
        Run r = render("--variant", "base", "--duration", "10", "--steps", "4", "--guidance", "5", "--adg",
                "--cfg-interval", "0.1,0.9", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(480000, frames(out));
        assertTrue(Files.readString(tmp.resolve("base.json")).contains("\"sampler\" : \"base\""));
    }

    @Test
    void dumpWritesIntermediateTensors() throws Exception {
        Path dump = tmp.resolve("dump");
        assertEquals(0, render("--duration", "10", "--seed", "2", "--out", tmp.resolve("d.wav").toString(), "--dump", dump.toString()).code());
        for (String f : List.of("encoder_hidden_states.npy", "context_latents.npy", "noise.npy", "latents_step01.npy",
                "latents_step08.npy", "target_latents.npy", "audio_1.npy"))
            assertTrue(Files.isRegularFile(dump.resolve(f)), f);
    }

    /** --noise replays a dumped initial noise: another seed gives the same audio; a wrong shape is refused. */
    @Test
    void initialNoiseFromAFileReplacesTheSeededOne() throws Exception {
        Path dump = tmp.resolve("dump-sde");
        Path a = tmp.resolve("a.wav"), b = tmp.resolve("b.wav");
        assertEquals(0, render("--duration", "10", "--seed", "5", "--method", "sde", "--out", a.toString(), "--dump", dump.toString()).code());
        assertTrue(Files.isRegularFile(dump.resolve("sde_noise_step01.npy")), "each step's SDE noise is dumped");
        Run r = render("--duration", "10", "--seed", "6", "--method", "sde", "--noise", dump.resolve("noise.npy").toString(), "--out", b.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "SDE re-noising still follows the seed");
        Path c = tmp.resolve("c.wav"), d = tmp.resolve("d.wav"), ode = tmp.resolve("dump-ode");
        assertEquals(0, render("--duration", "10", "--seed", "5", "--out", c.toString(), "--dump", ode.toString()).code());
        assertEquals(0, render("--duration", "10", "--seed", "6", "--noise", ode.resolve("noise.npy").toString(), "--out", d.toString()).code());
        assertArrayEquals(Files.readAllBytes(c), Files.readAllBytes(d), "ODE: the noise is all the seed decides");
        Path out = tmp.resolve("e.wav");
        Run bad = render("--duration", "12", "--noise", ode.resolve("noise.npy").toString(), "--out", out.toString());
        assertBadInput(bad, "--noise");
        assertTrue(bad.err().contains("has shape [1, 250,") && bad.err().contains("needs [1, 300,"), bad.err());
        assertFalse(Files.exists(out));
    }

    void assertBadInput(Run r, String fragment) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(fragment), err);
        assertFalse(err.contains("\tat "), "no stack trace");
    }

    void assertNothingWritten() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void badInputsExitTwoWithOneLineAndNoFiles() throws Exception {
        String out = tmp.resolve("o.wav").toString();
        assertBadInput(render("--duration", "10", "--bogus", "--out", out), "--bogus");
        assertBadInput(render("--duration", "5", "--out", out), "--duration 5");
        assertBadInput(render("--duration", "601", "--out", out), "--duration 601");
        assertBadInput(render("--duration", "NaN", "--out", out), "--duration");
        assertBadInput(render("--duration", "10", "--out", tmp.resolve("o.ogg").toString()), "unknown output format");
        assertBadInput(render("--duration", "10", "--batch", "9", "--out", out), "--batch 9");
        assertBadInput(render("--duration", "10", "--seed", "abc", "--out", out), "--seed");
        assertBadInput(render("--duration", "10", "--bpm", "20", "--out", out), "--bpm 20");
        assertBadInput(render("--duration", "10", "--key", "H major", "--out", out), "--key");
        assertBadInput(render("--duration", "10", "--timesig", "5", "--out", out), "--timesig 5");
        assertBadInput(render("--duration", "10", "--method", "euler", "--out", out), "--method euler");
        assertBadInput(render("--duration", "10", "--shift", "9", "--out", out), "--shift 9");
        assertBadInput(render("--duration", "10", "--cfg-interval", "0.8,0.2", "--out", out), "--cfg-interval");
        assertBadInput(render("--duration", "10", "--timesteps", "0.5,x", "--out", out), "--timesteps");
        assertBadInput(render("--duration", "10", "--variant", "xl", "--out", out), "--variant xl");
        assertBadInput(render("--duration", "10", "--lyrics-file", tmp.resolve("missing.txt").toString(), "--out", out), "--lyrics-file");
        assertBadInput(cli("render", "--caption", "x", "--duration", "10"), "--out");
        assertNothingWritten();
    }

    @Test
    void unwritableOutputExitsTwo() throws Exception {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        Run r = render("--duration", "10", "--out", file.resolve("sub/o.wav").toString());
        assertBadInput(r, "not writable");
    }

    @Test
    void brokenModelFolderExitsTwo() throws Exception {
        Path broken = tmp.resolve("models");
        Files.createDirectories(broken.resolve("acestep-v15-turbo"));
        Files.writeString(broken.resolve("acestep-v15-turbo/config.json"), "{ not json");
        Run r = cli("render", "--caption", "x", "--duration", "10", "--model", broken.toString(), "--out", tmp.resolve("o.wav").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run missing = cli("render", "--caption", "x", "--duration", "10", "--model", tmp.resolve("nope").toString(), "--out", tmp.resolve("o.wav").toString());
        assertEquals(2, missing.code());
        assertFalse(Files.exists(tmp.resolve("o.wav")));
    }

    @Test
    void benchAndModelsRejectBadValuesBeforeWork() throws Exception {
        assertBadInput(cli("bench", "--seconds", "0"), "--seconds");
        assertBadInput(cli("bench", "--full-layers", "25"), "--full-layers");
        assertBadInput(cli("bench", "--repeats", "0"), "--repeats");
        assertBadInput(cli("bench", "--lm-layers", "29"), "--lm-layers");
        assertBadInput(cli("bench", "--lm-layers", "-1"), "--lm-layers");
        assertBadInput(cli("models", "list", "--model", tmp.resolve("nope").toString()), "is not a folder");
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertBadInput(cli("models", "make-demo", file.toString()), "not an empty folder");
    }

    @Test
    void modelsListAndMakeDemo() throws Exception {
        Run list = cli("models", "list", "--model", model.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("turbo") && list.out().contains("demo pack"), list.out());
        Path dir = tmp.resolve("pack");
        assertEquals(0, cli("models", "make-demo", dir.toString()).code());
        assertTrue(Files.isRegularFile(dir.resolve("acestep-v15-turbo/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("acestep-v15-base/silence_latent.pt")));
        assertTrue(Files.isRegularFile(dir.resolve("vae/diffusion_pytorch_model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("Qwen3-Embedding-0.6B/tokenizer.json")));
        // Deterministic: the same bytes as the pack the tests use.
        assertArrayEquals(Files.readAllBytes(model.resolve("acestep-v15-turbo/model.safetensors")),
                Files.readAllBytes(dir.resolve("acestep-v15-turbo/model.safetensors")));
        assertEquals(2, cli("models", "make-demo", dir.toString()).code(), "refuses a non-empty folder");
    }

}
