package org.aceforge.engine.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * WAV and AIFF/AIFC readers. Written here rather than through javax.sound because the engine must tell a truncated
 * file from a short one and must accept 24-bit, 64-bit float and extensible WAV, which javax.sound does not all read.
 */
final class PcmFiles {
    private PcmFiles() {}

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new AudioDecodeException(file, "is larger than 2 GB");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    private enum Kind { INT, FLOAT, UINT8 }

    static AudioClip readWav(Path file) throws IOException {
        ByteBuffer b = map(file);
        boolean bigEndian = b.get(3) == 'X';
        b.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 12 || b.get(8) != 'W' || b.get(9) != 'A' || b.get(10) != 'V' || b.get(11) != 'E')
            throw new AudioDecodeException(file, "is a RIFF file but not WAVE");
        int pos = 12, channels = 0, rate = 0, bits = 0, format = 0, blockAlign = 0;
        boolean haveFmt = false;
        while (pos + 8 <= b.limit()) {
            String id = fourcc(b, pos);
            long size = b.getInt(pos + 4) & 0xffffffffL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > b.limit()) throw new AudioDecodeException(file, "has a damaged format chunk");
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                blockAlign = b.getShort(body + 12) & 0xffff;
                bits = b.getShort(body + 14) & 0xffff;
                if (format == 0xFFFE && size >= 40 && body + 26 <= b.limit()) format = b.getShort(body + 24) & 0xffff;
                haveFmt = true;
            } else if (id.equals("data")) {
                if (!haveFmt) throw new AudioDecodeException(file, "has audio data before its format chunk");
                Kind kind = format == 1 ? (bits == 8 ? Kind.UINT8 : Kind.INT) : format == 3 ? Kind.FLOAT : null;
                if (kind == null) throw new AudioDecodeException(file, "uses WAV format tag " + format + " (only PCM and IEEE float are supported)");
                long available = b.limit() - body;
                // 0 and 0xFFFFFFFF are what streaming writers put when the length was unknown: read to the end.
                long bytes = size == 0 || size == 0xFFFFFFFFL ? available : size;
                if (bytes > available)
                    throw new AudioDecodeException(file, "is truncated: its header promises " + bytes + " bytes of audio, the file holds " + available);
                return samples(file, b, body, bytes, channels, rate, bits, kind, blockAlign);
            }
            long next = body + size + (size & 1);
            if (next > b.limit() || next < pos) break;
            pos = (int) next;
        }
        throw new AudioDecodeException(file, haveFmt ? "has no audio data chunk" : "has no format chunk");
    }

    static AudioClip readAiff(Path file) throws IOException {
        ByteBuffer b = map(file).order(ByteOrder.BIG_ENDIAN);
        String type = b.limit() >= 12 ? fourcc(b, 8) : "";
        if (!type.equals("AIFF") && !type.equals("AIFC")) throw new AudioDecodeException(file, "is an IFF file but not AIFF");
        int pos = 12, channels = 0, bits = 0, rate = 0;
        long frames = -1;
        Kind kind = Kind.INT;
        boolean little = false;
        while (pos + 8 <= b.limit()) {
            String id = fourcc(b, pos);
            long size = b.getInt(pos + 4) & 0xffffffffL;
            int body = pos + 8;
            if (id.equals("COMM")) {
                if (size < 18 || body + 18 > b.limit()) throw new AudioDecodeException(file, "has a damaged COMM chunk");
                channels = b.getShort(body) & 0xffff;
                frames = b.getInt(body + 2) & 0xffffffffL;
                bits = b.getShort(body + 6) & 0xffff;
                rate = (int) Math.round(extended80(b, body + 8));
                if (type.equals("AIFC") && size >= 22) {
                    String comp = fourcc(b, body + 18);
                    switch (comp) {
                        case "NONE", "twos" -> { }
                        case "sowt" -> little = true;
                        case "fl32", "FL32" -> { kind = Kind.FLOAT; bits = 32; }
                        case "fl64", "FL64" -> { kind = Kind.FLOAT; bits = 64; }
                        default -> throw new AudioDecodeException(file, "uses AIFC compression '" + comp + "' (not supported)");
                    }
                }
            } else if (id.equals("SSND")) {
                if (frames < 0) throw new AudioDecodeException(file, "has sound data before its COMM chunk");
                long offset = b.getInt(body) & 0xffffffffL;
                int start = (int) Math.min(b.limit(), body + 8 + offset);
                long bytes = frames * channels * ((bits + 7) / 8);
                long available = b.limit() - start;
                if (bytes > available)
                    throw new AudioDecodeException(file, "is truncated: its header promises " + frames + " frames, the file holds " + available / Math.max(1, channels * ((bits + 7) / 8)));
                ByteBuffer data = b.duplicate().order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                return samples(file, data, start, bytes, channels, rate, bits, kind == Kind.INT && bits == 8 ? Kind.INT : kind, channels * ((bits + 7) / 8));
            }
            long next = body + size + (size & 1);
            if (next > b.limit() || next < pos) break;
            pos = (int) next;
        }
        throw new AudioDecodeException(file, "has no sound data");
    }

    private static AudioClip samples(Path file, ByteBuffer b, int start, long bytes, int channels, int rate, int bits, Kind kind, int blockAlign) throws IOException {
        if (channels < 1 || channels > 64) throw new AudioDecodeException(file, "has " + channels + " channels");
        if (rate < 1000 || rate > 768000) throw new AudioDecodeException(file, "has an implausible sample rate of " + rate + " Hz");
        int bytesPer = (bits + 7) / 8;
        boolean ok = switch (kind) {
            case INT -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
            case UINT8 -> bits == 8;
            case FLOAT -> bits == 32 || bits == 64;
        };
        if (!ok) throw new AudioDecodeException(file, "uses " + bits + "-bit " + kind.name().toLowerCase() + " samples (not supported)");
        int frameBytes = Math.max(blockAlign, bytesPer * channels);
        long frames = bytes / frameBytes;
        if (frames / (double) rate > AudioDecoder.MAX_SECONDS)
            throw new AudioDecodeException(file, String.format("is %.0f s long; at most %.0f s are accepted", frames / (double) rate, AudioDecoder.MAX_SECONDS));
        float[] out = new float[(int) frames * channels];
        for (long f = 0; f < frames; f++)
            for (int c = 0; c < channels; c++) {
                int p = (int) (start + f * frameBytes + (long) c * bytesPer);
                float v = switch (kind) {
                    case UINT8 -> ((b.get(p) & 0xff) - 128) / 128f;
                    case INT -> switch (bits) {
                        case 8 -> b.get(p) / 128f;
                        case 16 -> b.getShort(p) / 32768f;
                        case 24 -> int24(b, p) / 8388608f;
                        default -> (float) (b.getInt(p) / 2147483648.0);
                    };
                    case FLOAT -> bits == 32 ? b.getFloat(p) : (float) b.getDouble(p);
                };
                out[(int) (f * channels + c)] = Float.isFinite(v) ? v : 0f;
            }
        return new AudioClip(out, channels, rate);
    }

    private static int int24(ByteBuffer b, int p) {
        int b0 = b.get(p) & 0xff, b1 = b.get(p + 1) & 0xff, b2 = b.get(p + 2);
        return b.order() == ByteOrder.LITTLE_ENDIAN ? (b2 << 16) | (b1 << 8) | b0 : ((b.get(p)) << 16) | (b1 << 8) | (b.get(p + 2) & 0xff);
    }

    private static String fourcc(ByteBuffer b, int p) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) c[i] = (char) (b.get(p + i) & 0xff);
        return new String(c);
    }

    /** IEEE 754 80-bit extended (AIFF sample rate). */
    private static double extended80(ByteBuffer b, int p) {
        int exp = b.getShort(p) & 0x7fff;
        long mant = b.getLong(p + 2);
        if (exp == 0 && mant == 0) return 0;
        double m = (mant >>> 11) / (double) (1L << 52);
        return m * Math.pow(2, exp - 16383);
    }
}
