package org.aceforge.engine.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test audio: a stereo signal and writers for WAV/AIFF variants the decoders must read. */
final class TestSignals {
    private TestSignals() {}

    /** 440 Hz left, 660 Hz right, amplitude 0.5 / 0.3. */
    static float[] stereo(int frames, int rate) {
        float[] x = new float[2 * frames];
        for (int i = 0; i < frames; i++) {
            x[2 * i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
            x[2 * i + 1] = (float) (0.3 * Math.sin(2 * Math.PI * 660 * i / rate));
        }
        return x;
    }

    /** format 1 = PCM, 3 = float, extensible wraps either. */
    static void wav(Path f, float[] x, int ch, int rate, int bits, boolean isFloat, boolean extensible) throws IOException {
        int bytesPer = bits / 8, frames = x.length / ch, dataLen = frames * ch * bytesPer;
        int fmtLen = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtLen + 8 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(4 + 8 + fmtLen + 8 + dataLen).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtLen).putShort((short) (extensible ? 0xFFFE : isFloat ? 3 : 1)).putShort((short) ch)
                .putInt(rate).putInt(rate * ch * bytesPer).putShort((short) (ch * bytesPer)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(3).putShort((short) (isFloat ? 3 : 1));
            b.put(new byte[14]);
        }
        b.put("data".getBytes()).putInt(dataLen);
        for (float v : x) {
            if (isFloat) {
                if (bits == 32) b.putFloat(v); else b.putDouble(v);
            } else switch (bits) {
                case 8 -> b.put((byte) (Math.round(v * 127) + 128));
                case 16 -> b.putShort((short) Math.round(v * 32767));
                case 24 -> { int s = Math.round(v * 8388607); b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16)); }
                default -> b.putInt((int) Math.round(v * 2147483647.0));
            }
        }
        Files.write(f, b.array());
    }

    /** AIFF 16-bit big-endian, or AIFC with 'sowt' (16-bit little-endian) or 'fl32'. */
    static void aiff(Path f, float[] x, int ch, int rate, String compression) throws IOException {
        boolean aifc = compression != null;
        int bits = "fl32".equals(compression) ? 32 : 16, frames = x.length / ch, dataLen = frames * ch * bits / 8;
        int commLen = aifc ? 18 + 4 + 2 : 18;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + commLen + 8 + 8 + dataLen).order(ByteOrder.BIG_ENDIAN);
        b.put("FORM".getBytes()).putInt(4 + 8 + commLen + 8 + 8 + dataLen).put((aifc ? "AIFC" : "AIFF").getBytes());
        b.put("COMM".getBytes()).putInt(commLen).putShort((short) ch).putInt(frames).putShort((short) bits);
        // 80-bit extended sample rate
        int exp = 16383 + 31 - Integer.numberOfLeadingZeros(rate);
        long mant = ((long) rate) << (63 - (31 - Integer.numberOfLeadingZeros(rate)));
        b.putShort((short) exp).putLong(mant);
        if (aifc) b.put(compression.getBytes()).put((byte) 0).put((byte) 0);
        b.put("SSND".getBytes()).putInt(8 + dataLen).putInt(0).putInt(0);
        ByteOrder data = "sowt".equals(compression) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer d = ByteBuffer.allocate(dataLen).order(data);
        for (float v : x) if (bits == 32) d.putFloat(v); else d.putShort((short) Math.round(v * 32767));
        b.put(d.array());
        Files.write(f, b.array());
    }

    static void write(Path f, byte[] bytes) throws IOException {
        try (OutputStream o = Files.newOutputStream(f)) {
            o.write(bytes);
        }
    }

    static double rms(float[] x, int ch, int c) {
        double s = 0;
        int n = x.length / ch;
        for (int i = 0; i < n; i++) s += x[i * ch + c] * x[i * ch + c];
        return Math.sqrt(s / n);
    }
}
