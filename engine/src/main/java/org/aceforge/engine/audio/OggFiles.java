package org.aceforge.engine.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import org.gagravarr.opus.OpusAudioData;
import org.gagravarr.opus.OpusFile;
import org.gagravarr.opus.OpusInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ogg Opus (demuxed by vorbis-java-core, decoded by Concentus at 48 kHz, pre-skip removed) and Ogg Vorbis (decoded
 * with JOrbis directly: the javax.sound Vorbis provider drops audio that shares a page with the headers).
 */
final class OggFiles {
    private OggFiles() {}

    static AudioClip read(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(128);
        }
        String s = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.contains("OpusHead")) {
            if (!endsWithEndOfStream(file)) throw new AudioDecodeException(file, "is truncated: the Ogg stream has no end-of-stream page");
            return opus(file);
        }
        if (s.contains("vorbis")) return vorbis(file);
        throw new AudioDecodeException(file, "is an Ogg file with neither Opus nor Vorbis audio");
    }

    private static AudioClip opus(Path file) throws IOException {
        try (OpusFile of = new OpusFile(file.toFile())) {
            OpusInfo info = of.getInfo();
            int ch = info.getNumChannels();
            if (ch < 1 || ch > 2) throw new AudioDecodeException(file, "has " + ch + " Opus channels (mono and stereo are supported)");
            OpusDecoder dec = new OpusDecoder(48000, ch);
            short[] pcm = new short[5760 * ch];
            FloatArray out = new FloatArray();
            OpusAudioData packet;
            while ((packet = of.getNextAudioPacket()) != null) {
                byte[] data = packet.getData();
                int n = dec.decode(data, 0, data.length, pcm, 0, 5760, false);
                for (int i = 0; i < n * ch; i++) out.add(pcm[i] / 32768f);
                if (out.size() > AudioDecoder.MAX_SECONDS * 48000 * ch) throw new AudioDecodeException(file, "is too long");
            }
            int skip = Math.min(out.size(), info.getPreSkip() * ch);
            float[] all = out.toArray();
            return new AudioClip(java.util.Arrays.copyOfRange(all, skip, all.length), ch, 48000);
        } catch (OpusException e) {
            throw new AudioDecodeException(file, "has damaged Opus audio (" + e.getMessage() + ")");
        }
    }

    private static AudioClip vorbis(Path file) throws IOException {
        SyncState sync = new SyncState();
        StreamState stream = new StreamState();
        Page page = new Page();
        Packet packet = new Packet();
        Info info = new Info();
        Comment comment = new Comment();
        DspState dsp = new DspState();
        Block block = new Block(dsp);
        info.init();
        comment.init();
        FloatArray out = new FloatArray();
        int headers = 0, channels = 0;
        boolean eos = false, started = false;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf;
            while (!eos) {
                int idx = sync.buffer(4096);
                buf = sync.data;
                int n = in.read(buf, idx, 4096);
                if (n <= 0) break;
                sync.wrote(n);
                while (sync.pageout(page) == 1) {
                    if (!started) {
                        stream.init(page.serialno());
                        started = true;
                    }
                    if (stream.pagein(page) < 0) throw new AudioDecodeException(file, "has a damaged Ogg page");
                    while (stream.packetout(packet) == 1) {
                        if (headers < 3) {
                            if (info.synthesis_headerin(comment, packet) < 0) throw new AudioDecodeException(file, "has damaged Vorbis headers");
                            if (++headers == 3) {
                                channels = info.channels;
                                dsp.synthesis_init(info);
                                block.init(dsp);
                            }
                            continue;
                        }
                        if (block.synthesis(packet) == 0) dsp.synthesis_blockin(block);
                        float[][][] pcm = new float[1][][];
                        int[] index = new int[channels];
                        int samples;
                        while ((samples = dsp.synthesis_pcmout(pcm, index)) > 0) {
                            for (int i = 0; i < samples; i++)
                                for (int c = 0; c < channels; c++) out.add(pcm[0][c][index[c] + i]);
                            dsp.synthesis_read(samples);
                        }
                        if (out.size() > AudioDecoder.MAX_SECONDS * info.rate * channels) throw new AudioDecodeException(file, "is too long");
                    }
                    if (page.eos() != 0) eos = true;
                }
            }
        }
        if (headers < 3) throw new AudioDecodeException(file, "ends before its Vorbis headers are complete");
        if (!eos) throw new AudioDecodeException(file, "is truncated: the Ogg stream has no end-of-stream page");
        return new AudioClip(out.toArray(), channels, info.rate);
    }

    /** Whether the last Ogg page of the file (found in its final 64 KB) carries the end-of-stream flag. */
    static boolean endsWithEndOfStream(Path file) throws IOException {
        byte[] all;
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            int n = (int) Math.min(size, 65536);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
            ch.read(b, size - n);
            all = b.array();
        }
        for (int i = all.length - 27; i >= 0; i--)
            if (all[i] == 'O' && all[i + 1] == 'g' && all[i + 2] == 'g' && all[i + 3] == 'S' && all[i + 4] == 0)
                return (all[i + 5] & 0x04) != 0;
        return false;
    }

    /** A growable float list without boxing. */
    private static final class FloatArray {
        private float[] a = new float[1 << 16];
        private int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int size() { return n; }

        float[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
