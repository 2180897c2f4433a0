package org.aceforge.bridge;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reading rendered files back as interleaved stereo at the host's sample rate, and hashing them. */
public final class AudioClips {
    private AudioClips() {}

    /** A 16-bit or float PCM file (AceForge renders WAV) as interleaved stereo floats at {@code targetRate}. */
    public static float[] readStereo(Path file, double targetRate) throws IOException {
        try (AudioInputStream raw = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat src = raw.getFormat();
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, src.getSampleRate(), 16, src.getChannels(),
                    2 * src.getChannels(), src.getSampleRate(), false);
            try (AudioInputStream in = AudioSystem.getAudioInputStream(pcm, raw)) {
                byte[] bytes = readAll(in);
                int ch = src.getChannels(), frames = bytes.length / (2 * ch);
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                float[] stereo = new float[frames * 2];
                for (int i = 0; i < frames; i++) {
                    float l = b.getShort((i * ch) * 2) / 32768f;
                    float r = ch > 1 ? b.getShort((i * ch + 1) * 2) / 32768f : l;
                    stereo[2 * i] = l;
                    stereo[2 * i + 1] = r;
                }
                return resample(stereo, src.getSampleRate(), targetRate);
            }
        } catch (UnsupportedAudioFileException e) {
            throw new IOException(file + ": not an audio file this plugin can read (" + e.getMessage() + ")");
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) != -1; ) out.write(buf, 0, n);
        return out.toByteArray();
    }

    /** Rate conversion for hosts that do not run at 48 kHz, with the engine's band-limited resampler (TarsosDSP). */
    static float[] resample(float[] stereo, double from, double to) {
        if (Math.abs(from - to) < 1e-6 || to <= 0) return stereo;
        int frames = stereo.length / 2;
        float[] l = new float[frames], r = new float[frames];
        for (int i = 0; i < frames; i++) { l[i] = stereo[2 * i]; r[i] = stereo[2 * i + 1]; }
        float[] L = org.aceforge.engine.audio.Resampling.resample(l, (int) Math.round(from), (int) Math.round(to));
        float[] R = org.aceforge.engine.audio.Resampling.resample(r, (int) Math.round(from), (int) Math.round(to));
        float[] out = new float[2 * L.length];
        for (int i = 0; i < L.length; i++) { out[2 * i] = L[i]; out[2 * i + 1] = R[i]; }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) != -1; ) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
