package org.aceforge.engine.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Round trips for every format and bit depth, and a corpus of broken files that must fail clearly and fast. */
class AudioDecoderTest {
    @TempDir
    Path tmp;
    static final int RATE = 44100, FRAMES = 44100 * 3 / 2;
    final float[] signal = TestSignals.stereo(FRAMES, RATE);

    void exact(Path f, double tol) throws IOException {
        AudioClip c = AudioDecoder.decode(f);
        assertEquals(2, c.channels(), f.toString());
        assertEquals(RATE, c.sampleRate(), f.toString());
        assertEquals(FRAMES, c.frames(), f.toString());
        double maxErr = 0;
        for (int i = 0; i < signal.length; i++) maxErr = Math.max(maxErr, Math.abs(c.interleaved()[i] - signal[i]));
        assertTrue(maxErr <= tol, f.getFileName() + ": max error " + maxErr);
    }

    @Test
    void wavAllDepths() throws IOException {
        int[][] cases = {{8, 0}, {16, 0}, {24, 0}, {32, 0}, {32, 1}, {64, 1}};
        double[] tol = {1.0 / 64, 1.0 / 16000, 1e-6, 1e-8, 1e-7, 1e-7};
        for (int i = 0; i < cases.length; i++) {
            Path f = tmp.resolve("t" + cases[i][0] + (cases[i][1] == 1 ? "f" : "i") + ".wav");
            TestSignals.wav(f, signal, 2, RATE, cases[i][0], cases[i][1] == 1, false);
            exact(f, tol[i]);
        }
        Path ext = tmp.resolve("ext24.wav");
        TestSignals.wav(ext, signal, 2, RATE, 24, false, true);
        exact(ext, 1e-6);
    }

    @Test
    void aiffAndAifc() throws IOException {
        for (String comp : Arrays.asList(null, "sowt", "fl32")) {
            Path f = tmp.resolve("t-" + comp + ".aif");
            TestSignals.aiff(f, signal, 2, RATE, comp);
            exact(f, comp == null || comp.equals("sowt") ? 1.0 / 16000 : 1e-7);
        }
    }

    @Test
    void flacIsBitExactAt16Bits() throws IOException {
        Path f = tmp.resolve("t.flac");
        AudioFileWriter.write(f, signal, 2, RATE);
        exact(f, 1.0 / 16000);
    }

    @Test
    void mp3DecodesWithTheRightLevels() throws IOException {
        Path f = tmp.resolve("t.mp3");
        AudioFileWriter.write(f, signal, 2, RATE);
        lossy(AudioDecoder.decode(f), RATE);
    }

    static void lossy(AudioClip c, int rate) {
        assertEquals(2, c.channels());
        assertEquals(rate, c.sampleRate());
        assertTrue(Math.abs(c.frames() - FRAMES) < 0.06 * FRAMES, "frames " + c.frames());
        assertEquals(0.5 / Math.sqrt(2), TestSignals.rms(c.interleaved(), 2, 0), 0.03);
        assertEquals(0.3 / Math.sqrt(2), TestSignals.rms(c.interleaved(), 2, 1), 0.03);
    }

    Path external(String tool, String out, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + tool)), tool + " not installed (.ci/run installs it)");
        Path wav = tmp.resolve("src.wav");
        TestSignals.wav(wav, TestSignals.stereo(FRAMES, 48000), 2, 48000, 16, false, false);
        Path o = tmp.resolve(out);
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/" + tool));
        cmd.addAll(Arrays.asList(args));
        cmd.replaceAll(s -> s.replace("IN", wav.toString()).replace("OUT", o.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        return o;
    }

    @Test
    void oggOpus() throws Exception {
        Path f = external("opusenc", "t.opus", "--quiet", "IN", "OUT");
        AudioClip c = AudioDecoder.decode(f);
        assertEquals(48000, c.sampleRate());
        assertEquals(2, c.channels());
        assertTrue(Math.abs(c.frames() - FRAMES) < 0.06 * FRAMES, "frames " + c.frames());
        assertEquals(0.5 / Math.sqrt(2), TestSignals.rms(c.interleaved(), 2, 0), 0.03);
    }

    @Test
    void oggVorbisKeepsTheAudioNearTheHeaders() throws Exception {
        Path f = external("oggenc", "t.ogg", "-Q", "-o", "OUT", "IN");
        AudioClip c = AudioDecoder.decode(f);
        assertEquals(48000, c.sampleRate());
        assertEquals(FRAMES, c.frames(), "Vorbis must decode every frame (javax.sound's provider drops the first page)");
        assertEquals(0.5 / Math.sqrt(2), TestSignals.rms(c.interleaved(), 2, 0), 0.03);
    }

    @Test
    void monoAndMultichannelBecomeEngineStereoAt48k() throws IOException {
        float[] mono = new float[RATE];
        for (int i = 0; i < mono.length; i++) mono[i] = (float) Math.sin(2 * Math.PI * 1000 * i / RATE) * 0.5f;
        AudioClip e = new AudioClip(mono, 1, RATE).toEngineFormat();
        assertEquals(2, e.channels());
        assertEquals(48000, e.sampleRate());
        assertEquals(48000, e.frames());
        assertEquals(0.5 / Math.sqrt(2), TestSignals.rms(e.interleaved(), 2, 1), 0.01);
        float[] six = new float[6 * 100];
        for (int i = 0; i < 100; i++) { six[6 * i] = 0.1f; six[6 * i + 1] = 0.2f; six[6 * i + 5] = 0.9f; }
        AudioClip s = new AudioClip(six, 6, 48000).toEngineFormat();
        assertEquals(0.2f, s.interleaved()[3], 1e-6f);
    }

    // ---------------- broken files ----------------

    void broken(Path f, String fragment) {
        AudioDecodeException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(f)));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void brokenCorpus() throws Exception {
        Path wav = tmp.resolve("good.wav");
        TestSignals.wav(wav, signal, 2, RATE, 16, false, false);
        byte[] good = Files.readAllBytes(wav);

        Path zero = tmp.resolve("zero.wav");
        Files.write(zero, new byte[0]);
        broken(zero, "empty");

        Path truncated = tmp.resolve("truncated.wav");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        broken(truncated, "truncated");

        Path text = tmp.resolve("notes.wav");
        Files.writeString(text, "these are not samples, just words in a file with a .wav name");
        broken(text, "not a recognised audio format");

        Path absurd = tmp.resolve("absurd.wav");
        byte[] a = good.clone();
        java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(40, 0x7FFFFFF0);
        Files.write(absurd, a);
        broken(absurd, "truncated");

        Path noChannels = tmp.resolve("nochannels.wav");
        byte[] n = good.clone();
        java.nio.ByteBuffer.wrap(n).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(22, (short) 0);
        Files.write(noChannels, n);
        broken(noChannels, "channels");

        Path badRate = tmp.resolve("rate.wav");
        byte[] r = good.clone();
        java.nio.ByteBuffer.wrap(r).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 7);
        Files.write(badRate, r);
        broken(badRate, "sample rate");

        Path flac = tmp.resolve("t.flac");
        AudioFileWriter.write(flac, signal, 2, RATE);
        byte[] fl = Files.readAllBytes(flac);
        Path cutFlac = tmp.resolve("cut.flac");
        Files.write(cutFlac, Arrays.copyOf(fl, fl.length / 2));
        broken(cutFlac, "truncated");

        Path aiff = tmp.resolve("t.aif");
        TestSignals.aiff(aiff, signal, 2, RATE, null);
        byte[] ai = Files.readAllBytes(aiff);
        Path cutAiff = tmp.resolve("cut.aif");
        Files.write(cutAiff, Arrays.copyOf(ai, ai.length / 3));
        broken(cutAiff, "truncated");

        Path noise = tmp.resolve("random.flac");
        byte[] rnd = new byte[5000];
        new java.util.Random(1).nextBytes(rnd);
        rnd[0] = 'f'; rnd[1] = 'L'; rnd[2] = 'a'; rnd[3] = 'C';
        Files.write(noise, rnd);
        broken(noise, "");

        Path headerOnly = tmp.resolve("header.flac");
        Files.write(headerOnly, new byte[]{'f', 'L', 'a', 'C', 0, 0, 0, 34, 1, 2, 3});
        broken(headerOnly, "cut off or damaged");

        for (Path p : new Path[]{cutFlac, noise, headerOnly})
            try {
                AudioDecoder.decode(p);
            } catch (AudioDecodeException e) {
                assertFalse(e.getMessage().matches(".*(Exception|Unsupported conversion|PCM_SIGNED).*"), "words, not Java internals: " + e.getMessage());
            }

        Path missing = tmp.resolve("missing.wav");
        broken(missing, "no such file");
    }

    @Test
    void truncatedMp3AndOpusAreReported() throws Exception {
        Path mp3 = tmp.resolve("t.mp3");
        AudioFileWriter.write(mp3, signal, 2, RATE);
        byte[] m = Files.readAllBytes(mp3);
        Path cut = tmp.resolve("cut.mp3");
        Files.write(cut, Arrays.copyOf(m, m.length - 300));
        broken(cut, "truncated");
        Path opus = external("opusenc", "t.opus", "--quiet", "IN", "OUT");
        byte[] o = Files.readAllBytes(opus);
        Path cutOpus = tmp.resolve("cut.opus");
        Files.write(cutOpus, Arrays.copyOf(o, o.length * 2 / 3));
        broken(cutOpus, "truncated");
    }

    @Test
    void truncatedVorbisIsReported() throws Exception {
        Path f = external("oggenc", "t.ogg", "-Q", "-o", "OUT", "IN");
        byte[] b = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.ogg");
        Files.write(cut, Arrays.copyOf(b, b.length * 2 / 3));
        broken(cut, "truncated");
    }

    @Test
    void wrongExtensionStillDecodesByContent() throws IOException {
        Path f = tmp.resolve("really-a-wav.mp3");
        TestSignals.wav(f, signal, 2, RATE, 16, false, false);
        assertEquals(FRAMES, AudioDecoder.decode(f).frames());
    }
}
