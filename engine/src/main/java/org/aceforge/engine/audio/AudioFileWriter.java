package org.aceforge.engine.audio;

import de.sciss.jump3r.lowlevel.LameEncoder;
import net.sourceforge.javaflacencoder.EncodingConfiguration;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACFileOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes interleaved float audio as 16-bit WAV, 16-bit FLAC or 320 kbit/s MP3. Files appear atomically: the data goes
 * to a temporary sibling that is renamed into place only when complete, so a failed or cancelled write leaves nothing.
 */
public final class AudioFileWriter {
    public static final int MP3_BITRATE = 320;

    private AudioFileWriter() {}

    public static void write(Path file, float[] interleaved, int channels, int sampleRate) throws IOException {
        OutputFormat format = OutputFormat.of(file);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
        try {
            switch (format) {
                case WAV -> writeWav(tmp, interleaved, channels, sampleRate);
                case FLAC -> writeFlac(tmp, interleaved, channels, sampleRate);
                case MP3 -> writeMp3(tmp, interleaved, channels, sampleRate);
            }
            readableByAll(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files are created owner-only; a finished result gets the usual rw-r--r--. */
    public static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep the defaults
        }
    }

    /**
     * Rounds to 16-bit with clipping (no dither, so the same input always gives the same bytes). The scale is 32768,
     * the inverse of the decoders', so 16-bit source samples pass through a decode and re-encode unchanged.
     */
    static short toPcm16(float v) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(v * 32768f)));
    }

    static byte[] pcm16le(float[] x) {
        byte[] b = new byte[x.length * 2];
        for (int i = 0; i < x.length; i++) {
            short s = toPcm16(x[i]);
            b[2 * i] = (byte) s;
            b[2 * i + 1] = (byte) (s >> 8);
        }
        return b;
    }

    private static void writeWav(Path f, float[] x, int channels, int rate) throws IOException {
        AudioFormat fmt = new AudioFormat(rate, 16, channels, true, false);
        byte[] pcm = pcm16le(x);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), fmt, x.length / channels)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, f.toFile());
        }
    }

    /** Blocks shorter than this are written verbatim (see writeFlac). */
    static final int TINY_BLOCK = 32;

    private static void writeFlac(Path f, float[] x, int channels, int rate) throws IOException {
        FLACEncoder enc = new FLACEncoder();
        StreamConfiguration sc = new StreamConfiguration(channels, StreamConfiguration.DEFAULT_MIN_BLOCK_SIZE,
                StreamConfiguration.DEFAULT_MAX_BLOCK_SIZE, rate, 16);
        if (!enc.setStreamConfiguration(sc)) throw new IOException("FLAC encoder rejected " + channels + " ch / " + rate + " Hz");
        // LPC subframes, not the default exhaustive search: that search prints "Running verbatim" to System.err for
        // every noisy block (dozens of lines in the terminal) and gains little.
        EncodingConfiguration lpc = new EncodingConfiguration();
        lpc.setSubframeType(EncodingConfiguration.SubframeType.LPC);
        enc.setEncodingConfiguration(lpc);
        FLACFileOutputStream out = new FLACFileOutputStream(f.toFile());
        try {
            enc.setOutputStream(out);
            enc.openFLACStream();
            int frames = x.length / channels;
            int block = 4096;
            int[] buf = new int[block * channels];
            if (frames == 0) throw new IOException("no audio to write");
            int encoded = 0;
            for (int start = 0; start < frames; start += block) {
                int n = Math.min(block, frames - start);
                for (int i = 0; i < n * channels; i++) buf[i] = toPcm16(x[start * channels + i]);
                enc.addSamples(buf, n);
                // The last chunk is left for the final call, and what is left is counted here: javaFlacEncoder's
                // samplesAvailableToEncode() fails (NPE) when its buffer holds exactly a whole block, which made every
                // length that is a multiple of 4096 frames fail.
                if (start + n < frames) {
                    int full = enc.fullBlockSamplesAvailableToEncode();
                    enc.encodeSamples(full, false);
                    encoded += full;
                }
            }
            int left = frames - encoded;
            if (left < TINY_BLOCK) {
                // Its fixed and LPC predictors index past a block of a few frames: such a last block is stored
                // verbatim (a handful of samples, no size to gain).
                EncodingConfiguration verbatim = new EncodingConfiguration();
                verbatim.setSubframeType(EncodingConfiguration.SubframeType.VERBATIM);
                if (!enc.setEncodingConfiguration(verbatim)) throw new IOException("FLAC encoder refused a verbatim last block");
            }
            enc.encodeSamples(left, true);
        } finally {
            out.close();
        }
    }

    private static void writeMp3(Path f, float[] x, int channels, int rate) throws IOException {
        AudioFormat fmt = new AudioFormat(rate, 16, channels, true, false);
        LameEncoder enc = new LameEncoder(fmt, MP3_BITRATE, LameEncoder.CHANNEL_MODE_JOINT_STEREO, LameEncoder.QUALITY_HIGH, false);
        try (OutputStream os = Files.newOutputStream(f)) {
            byte[] pcm = pcm16le(x);
            int chunk = enc.getPCMBufferSize();
            byte[] mp3 = new byte[enc.getMP3BufferSize()];
            for (int pos = 0; pos < pcm.length; pos += chunk) {
                int n = enc.encodeBuffer(pcm, pos, Math.min(chunk, pcm.length - pos), mp3);
                os.write(mp3, 0, n);
            }
            int n = enc.encodeFinish(mp3);
            os.write(mp3, 0, n);
        } finally {
            enc.close();
        }
    }
}
