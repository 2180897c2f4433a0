package org.aceforge.engine.audio;

import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACFileOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FLAC out at every length (a length that is a whole number of 4096-frame blocks used to fail) and FLAC in at every
 * bit depth and rate, each read back bit-exactly.
 */
class FlacTest {
    @TempDir
    Path tmp;

    static float[] noise(int samples, long seed) {
        Random r = new Random(seed);
        float[] x = new float[samples];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 0.3);
        return x;
    }

    @Test
    void writesEveryLengthAndReadsItBackBitExactly() throws Exception {
        for (int frames : new int[]{1, 2, 4095, 4096, 4097, 8192, 12288, 48000, 614400, 921600}) {
            float[] x = noise(2 * frames, frames);
            Path f = tmp.resolve("t" + frames + ".flac");
            AudioFileWriter.write(f, x, 2, 48000);
            AudioClip back = AudioDecoder.decode(f);
            assertEquals(2, back.channels());
            assertEquals(48000, back.sampleRate());
            assertEquals(x.length, back.interleaved().length, frames + " frames");
            for (int i = 0; i < x.length; i++)
                assertEquals(AudioFileWriter.toPcm16(x[i]) / 32768f, back.interleaved()[i], 0f, frames + " frames, sample " + i);
        }
    }

    @Test
    void noisyAudioIsWrittenWithoutCodecChatter() throws Exception {
        java.io.PrintStream err = System.err, out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        float[] x = noise(2 * 48000 * 3, 9);
        for (int i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i] * 3));   // loud white noise
        try {
            System.setErr(new java.io.PrintStream(captured, true));
            System.setOut(new java.io.PrintStream(captured, true));
            AudioFileWriter.write(tmp.resolve("noise.flac"), x, 2, 48000);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertEquals("", captured.toString());
        assertEquals(x.length, AudioDecoder.decode(tmp.resolve("noise.flac")).interleaved().length);
    }

    /** A FLAC file of the given depth written with javaFlacEncoder (which the engine uses for 16-bit output). */
    static int[] writeFlac(Path f, int channels, int rate, int bits, int frames, long seed) throws Exception {
        Random r = new Random(seed);
        int[] samples = new int[frames * channels];
        long max = (1L << (bits - 1)) - 1;
        for (int i = 0; i < samples.length; i++) samples[i] = (int) Math.max(-max - 1, Math.min(max, Math.round(r.nextGaussian() * max / 4)));
        FLACEncoder enc = new FLACEncoder();
        enc.setStreamConfiguration(new StreamConfiguration(channels, StreamConfiguration.DEFAULT_MIN_BLOCK_SIZE,
                StreamConfiguration.DEFAULT_MAX_BLOCK_SIZE, rate, bits));
        FLACFileOutputStream out = new FLACFileOutputStream(f.toFile());
        enc.setOutputStream(out);
        enc.openFLACStream();
        enc.addSamples(samples, frames);
        enc.encodeSamples(enc.samplesAvailableToEncode(), true);
        out.close();
        return samples;
    }

    @Test
    void readsEveryBitDepthAndRate() throws Exception {
        int k = 0;
        for (int bits : new int[]{8, 16, 20, 24})
            for (int rate : new int[]{22050, 44100, 48000, 96000})
                for (int ch : new int[]{1, 2}) {
                    Path f = tmp.resolve("in" + (k++) + ".flac");
                    int frames = rate / 3 + 17;
                    int[] want = writeFlac(f, ch, rate, bits, frames, k);
                    AudioClip c = AudioDecoder.decode(f);
                    String what = bits + " bit, " + rate + " Hz, " + ch + " ch";
                    assertEquals(ch, c.channels(), what);
                    assertEquals(rate, c.sampleRate(), what);
                    assertEquals(want.length, c.interleaved().length, what);
                    float scale = 1f / (1L << (bits - 1));
                    for (int i = 0; i < want.length; i++) assertEquals(want[i] * scale, c.interleaved()[i], 0f, what + ", sample " + i);
                }
    }
}
