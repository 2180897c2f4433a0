package org.aceforge.engine.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks the MPEG audio frames of an MP3 file (after any ID3v2 tag) to tell a cut-off file from a complete one: the
 * decoder would silently drop a last frame that runs past the end of the file.
 */
final class Mp3Frames {
    private static final int[][] BITRATES = {            // kbit/s: [MPEG-1 Layer III, MPEG-2/2.5 Layer III]
            {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
            {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}};
    private static final int[][] RATES = {{44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}};

    private Mp3Frames() {}

    static void checkComplete(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int pos = 0;
        if (b.length >= 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3')
            pos = 10 + (((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f));
        int end = b.length;
        if (end >= 128 && b[end - 128] == 'T' && b[end - 127] == 'A' && b[end - 126] == 'G') end -= 128;   // ID3v1
        int frames = 0;
        while (pos + 4 <= end) {
            if ((b[pos] & 0xff) != 0xff || (b[pos + 1] & 0xe0) != 0xe0) {
                if (frames == 0) { pos++; continue; }   // junk before the first frame
                break;                                   // trailing tags or junk after the audio
            }
            int version = (b[pos + 1] >> 3) & 3, layer = (b[pos + 1] >> 1) & 3;
            int bitrateIndex = (b[pos + 2] >> 4) & 15, rateIndex = (b[pos + 2] >> 2) & 3, padding = (b[pos + 2] >> 1) & 1;
            if (layer != 1 || version == 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
                if (frames == 0) { pos++; continue; }
                break;
            }
            boolean mpeg1 = version == 3;
            int rate = RATES[mpeg1 ? 0 : version == 2 ? 1 : 2][rateIndex];
            int kbps = BITRATES[mpeg1 ? 0 : 1][bitrateIndex];
            int length = (mpeg1 ? 144 : 72) * kbps * 1000 / rate + padding;
            if (pos + length > end)
                throw new AudioDecodeException(file, "is truncated: its last MP3 frame is cut off after " + (end - pos) + " of " + length + " bytes");
            pos += length;
            frames++;
        }
        if (frames == 0) throw new AudioDecodeException(file, "contains no MP3 frames");
    }
}
