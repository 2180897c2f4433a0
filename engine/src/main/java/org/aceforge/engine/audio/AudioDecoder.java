package org.aceforge.engine.audio;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes WAV (8/16/24/32-bit integer, 32/64-bit float, extensible), AIFF/AIFC, FLAC, MP3, Ogg Opus and Ogg Vorbis,
 * recognised by their contents (not the extension). Headers are checked against the file size before anything is
 * allocated, and a file whose audio stops before its header says it should is an error, never shorter audio.
 */
public final class AudioDecoder {
    /** Longest input accepted (the engine works on up to 600 s; longer files are refused, not truncated). */
    public static final double MAX_SECONDS = 1800;

    private AudioDecoder() {}

    public static AudioClip decode(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new AudioDecodeException(file, "no such file");
        long size = Files.size(file);
        if (size == 0) throw new AudioDecodeException(file, "the file is empty");
        byte[] head = new byte[(int) Math.min(64, size)];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n < 4) throw new AudioDecodeException(file, "too short to be audio (" + size + " bytes)");
        }
        AudioClip clip;
        try {
            if (startsWith(head, "RIFF") || startsWith(head, "RIFX")) clip = PcmFiles.readWav(file);
            else if (startsWith(head, "FORM")) clip = PcmFiles.readAiff(file);
            else if (startsWith(head, "fLaC")) clip = FlacFiles.read(file);
            else if (startsWith(head, "OggS")) clip = OggFiles.read(file);
            else if (startsWith(head, "ID3") || isMpegSync(head)) {
                Mp3Frames.checkComplete(file);
                clip = viaAudioSystem(file);
            }
            else throw new AudioDecodeException(file, "not a recognised audio format (WAV, AIFF, FLAC, MP3, Ogg Opus or Vorbis)");
        } catch (AudioDecodeException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new AudioDecodeException(file, "too large to decode in memory");
        } catch (java.io.EOFException e) {
            throw new AudioDecodeException(file, "ends before its audio does (the file is cut off or damaged)");
        } catch (IOException | RuntimeException e) {
            throw new AudioDecodeException(file, "cannot be decoded (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
        if (clip.frames() == 0) throw new AudioDecodeException(file, "contains no audio");
        if (clip.seconds() > MAX_SECONDS) throw new AudioDecodeException(file, String.format("is %.0f s long; at most %.0f s are accepted", clip.seconds(), MAX_SECONDS));
        return clip;
    }

    static boolean startsWith(byte[] b, String s) {
        if (b.length < s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[i] != (byte) s.charAt(i)) return false;
        return true;
    }

    static boolean isMpegSync(byte[] b) {
        return (b[0] & 0xff) == 0xff && (b[1] & 0xe0) == 0xe0 && ((b[1] >> 1) & 3) != 0;
    }

    /** MP3 (mp3spi) through its javax.sound provider, as 16-bit PCM. */
    private static AudioClip viaAudioSystem(Path file) throws IOException {
        try {
            try (AudioInputStream raw = AudioSystem.getAudioInputStream(file.toFile())) {
                AudioFormat src = raw.getFormat();
                int ch = src.getChannels();
                if (ch < 1 || ch > 64) throw new AudioDecodeException(file, "has " + ch + " channels");
                AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, src.getSampleRate(), 16, ch, 2 * ch, src.getSampleRate(), false);
                try (AudioInputStream in = AudioSystem.getAudioInputStream(pcm, raw)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buf = new byte[1 << 16];
                    long limit = (long) (MAX_SECONDS * src.getSampleRate() * 2 * ch) + buf.length;
                    // Loop on read() until −1: tritonus streams do not support readAllBytes reliably.
                    for (int n; (n = in.read(buf)) != -1; ) {
                        out.write(buf, 0, n);
                        if (out.size() > limit) throw new AudioDecodeException(file, "is longer than " + (int) MAX_SECONDS + " s");
                    }
                    byte[] bytes = out.toByteArray();
                    int frames = bytes.length / (2 * ch);
                    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    float[] x = new float[frames * ch];
                    for (int i = 0; i < x.length; i++) x[i] = b.getShort(2 * i) / 32768f;
                    return new AudioClip(x, ch, Math.round(src.getSampleRate()));
                }
            }
        } catch (javax.sound.sampled.UnsupportedAudioFileException e) {
            throw new AudioDecodeException(file, "is not a readable MP3 file");
        }
    }
}
