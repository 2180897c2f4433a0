package org.aceforge.engine.tasks;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;

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
                List<Region> ranges = new ArrayList<>();
                int n = 1 + rnd.nextInt(3);
                for (int j = 0; j < n; j++) {
                    double s = rnd.nextDouble() * (len - 0.5);
                    double e = rnd.nextInt(5) == 0 ? Region.SOURCE_END : Math.min(len, s + 0.2 + rnd.nextDouble() * 5);
                    ranges.add(new Region(s, e));
                }
                // Outpainting where the 600 s limit leaves room.
                double pre = 0, post = 0;
                if (len < 590 && rnd.nextBoolean()) { pre = rnd.nextDouble() * 5; ranges.add(new Region(-pre, 0.5)); }
                if (len < 590 && rnd.nextBoolean()) { post = rnd.nextDouble() * 5; ranges.add(new Region(len - 0.5, len + post)); }
                AudioClip clip = AudioDecoder.decode(f).toEngineFormat();
                Timeline tl = Timeline.around(clip.frames(), ranges, 48000, 1920, f.toString());
                int expected = frames + (int) Math.round(pre * 48000) + (int) Math.round(post * 48000);
                assertEquals(expected, tl.samples(), "length " + len + " pre " + pre + " post " + post);
                assertEquals((expected + 1919) / 1920, tl.latentFrames());
                assertTrue(tl.paddedSamples() >= tl.samples());
                List<Timeline.Span> samples = ranges.stream().map(tl::samples).toList();
                for (Region r : ranges) {
                    Timeline.Span sp = tl.latent(r);
                    assertTrue(sp.start() >= 0 && sp.end() <= tl.latentFrames() && sp.end() > sp.start());
                }
                float[] original = new float[2 * tl.samples()];
                System.arraycopy(clip.interleaved(), 0, original, 2 * tl.leftPadSamples(), clip.interleaved().length);
                float[] generated = new float[original.length];
                java.util.Arrays.fill(generated, 0.25f);
                float[] out = Splice.splice(original, generated, samples, 2400, 48000).audio();
                assertEquals(original.length, out.length);
                for (int i = 0; i < tl.samples(); i += 97)
                    if (!Splice.inside(i, samples)) assertEquals(original[2 * i], out[2 * i], "sample " + i + " outside every region");
                Timeline.Span r0 = samples.get(0);
                Timeline.Span hull = tl.hull(List.of(ranges.get(0)), 0.5);
                int a = Math.max(0, r0.start() - 24000), b = Math.min(tl.samples(), r0.end() + 24000);
                assertEquals(new Timeline.Span(a, b), hull);
            }
        }
        assertTrue(cases >= 100);
    }
}
