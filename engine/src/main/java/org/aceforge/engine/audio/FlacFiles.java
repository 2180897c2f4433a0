package org.aceforge.engine.audio;

import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FLAC of any bit depth (4 to 32), rate and channel count, decoded frame by frame with jflac's decoder and read from
 * its integer channel data, so no format conversion is involved (javax.sound's route through jflac only converts 8
 * and 16 bit). Samples are scaled by 2^(bits−1), as for WAV.
 */
final class FlacFiles {
    private FlacFiles() {}

    static AudioClip read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            FLACDecoder dec = new FLACDecoder(in);
            StreamInfo info = dec.readStreamInfo();
            if (info == null) throw new AudioDecodeException(file, "is not a readable FLAC file (no stream information)");
            int ch = info.getChannels(), bits = info.getBitsPerSample(), rate = info.getSampleRate();
            if (ch < 1 || ch > 8) throw new AudioDecodeException(file, "has " + ch + " channels");
            if (rate <= 0) throw new AudioDecodeException(file, "has no sample rate");
            long declared = info.getTotalSamples();
            if (declared > AudioDecoder.MAX_SECONDS * rate)
                throw new AudioDecodeException(file, String.format("is %.0f s long; at most %.0f s are accepted", declared / (double) rate, AudioDecoder.MAX_SECONDS));
            dec.readMetadata(info);
            float scale = 1f / (1L << (bits - 1));
            float[] x = new float[(int) Math.max(declared, 4096) * ch];
            int frames = 0;
            for (Frame f; (f = dec.readNextFrame()) != null; ) {
                int n = f.header.blockSize;
                if (f.header.channels != ch) throw new AudioDecodeException(file, "changes its channel count mid-stream");
                if ((long) (frames + n) > AudioDecoder.MAX_SECONDS * rate)
                    throw new AudioDecodeException(file, "is longer than " + (int) AudioDecoder.MAX_SECONDS + " s");
                if ((frames + n) * ch > x.length) x = java.util.Arrays.copyOf(x, Math.max(x.length * 2, (frames + n) * ch));
                var data = dec.getChannelData();
                for (int c = 0; c < ch; c++) {
                    int[] out = data[c].getOutput();
                    for (int i = 0; i < n; i++) x[(frames + i) * ch + c] = out[i] * scale;
                }
                frames += n;
            }
            if (declared > 0 && frames < declared)
                throw new AudioDecodeException(file, "is truncated: its header promises " + declared + " frames, only " + frames + " could be decoded");
            return new AudioClip(java.util.Arrays.copyOf(x, frames * ch), ch, rate);
        }
    }
}
