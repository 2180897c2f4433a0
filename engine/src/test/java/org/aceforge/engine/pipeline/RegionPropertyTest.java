package org.aceforge.engine.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random regions over random file lengths (including the 10 s and 600 s edges and lengths that are not whole latent
 * frames): source preparation, frame spans, splicing and region-only cuts never fail and always give the expected
 * lengths, and the splice never touches a sample outside the regions.
 */
class RegionPropertyTest {
    @TempDir
    Path tmp;

    static Path wav(Path f, int frames, int rate) throws Exception {
        byte[] pcm = new byte[frames * 4];
        Random r = new Random(frames);
        r.nextBytes(pcm);
        AudioFormat fmt = new AudioFormat(rate, 16, 2, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), fmt, frames), AudioFileFormat.Type.WAVE, f.toFile());
        return f;
    }

    @Test
    void randomRegionsOnRandomLengths() throws Exception {
        Random rnd = new Random(42);
        List<Double> lengths = new ArrayList<>(List.of(10.0, 10.013, 599.99, 600.0, 33.333));
        for (int i = 0; i < 20; i++) lengths.add(10 + rnd.nextDouble() * 50);
        int cases = 0;
        for (double wanted : lengths) {
            double len = wanted;
            int frames = (int) Math.round(len * 48000);
            len = frames / 48000.0;
            Path f = wav(tmp.resolve("s" + cases + ".wav"), frames, 48000);
            for (int k = 0; k < 4; k++, cases++) {
                List<double[]> ranges = new ArrayList<>();
                int n = 1 + rnd.nextInt(3);
                double room = Math.min(len, 600 - 1e-6);
                for (int j = 0; j < n; j++) {
                    double s = rnd.nextDouble() * (len - 0.5);
                    double e = rnd.nextInt(5) == 0 ? -1 : Math.min(len, s + 0.2 + rnd.nextDouble() * 5);
                    ranges.add(new double[]{s, e});
                }
                // Outpainting where the 600 s limit leaves room.
                double pre = 0, post = 0;
                if (len < 590 && rnd.nextBoolean()) { pre = rnd.nextDouble() * 5; ranges.add(new double[]{-pre, 0.5}); }
                if (len < 590 && rnd.nextBoolean()) { post = rnd.nextDouble() * 5; ranges.add(new double[]{len - 0.5, len + post}); }
                RegionEdit.Source src = RegionEdit.prepare(org.aceforge.engine.audio.AudioDecoder.decode(f).toEngineFormat(), f.toString(), ranges, 1920);
                int expected = frames + (int) Math.round(pre * 48000) + (int) Math.round(post * 48000);
                assertEquals(expected, src.frames(), "length " + len + " pre " + pre + " post " + post);
                assertEquals((expected + 1919) / 1920, src.latentFrames());
                assertTrue(src.audio().length / 2 >= src.frames());
                List<Splice.Range> samples = RegionEdit.sampleRanges(src);
                for (Splice.Range r : samples) {
                    TaskContext.Span sp = TaskContext.span(r.start() / 48000.0, r.end() / 48000.0, src.latentFrames(), 48000, 1920);
                    assertTrue(sp.start() >= 0 && sp.end() <= src.latentFrames() && sp.end() > sp.start());
                }
                float[] original = java.util.Arrays.copyOf(src.audio(), 2 * src.frames());
                float[] generated = new float[original.length];
                java.util.Arrays.fill(generated, 0.25f);
                float[] out = Splice.splice(original, generated, samples, 2400, 48000);
                assertEquals(original.length, out.length);
                for (int i = 0; i < src.frames(); i += 97)
                    if (!Splice.inside(i, samples)) assertEquals(original[2 * i], out[2 * i], "sample " + i + " outside every region");
                Splice.Range r0 = samples.get(0);
                float[] region = Splice.regionOnly(out, r0.start(), r0.end(), 24000);
                int a = Math.max(0, r0.start() - 24000), b = Math.min(src.frames(), r0.end() + 24000);
                assertEquals(2 * (b - a), region.length);
            }
        }
        assertTrue(cases >= 100);
    }
}
