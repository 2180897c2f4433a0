package org.aceforge.engine.pipeline;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.jobs.CancelledException;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.reference.Ref;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.sampling.InitialNoise;
import org.aceforge.engine.tensors.Tensor3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineBehaviourTest {
    @TempDir
    Path tmp;

    @Test
    void tiledDecodeMatchesWholeDecodeAndKeepsLength() throws Exception {
        ModelPack pack = DemoPackFixture.pack();
        try (VaeModel vae = new VaeModel(pack.vae(), new GraphCache(tmp.resolve("g")))) {
            Tensor3 lat = InitialNoise.of(new long[]{4}, 301, 64);
            Tensor3 whole = vae.decodeTile(lat);
            Tensor3 tiled = vae.decode(lat, 128, 32, null);
            assertEquals(301 * 1920, tiled.frames());
            double err = Ref.relErr(tiled.data(), whole.data());
            assertTrue(err < 1e-4, "tiled vs whole decode relative error " + err);
            // The overlap renders use covers the receptive field: its tiles join like the official 64 frames' do.
            for (int overlap : new int[]{VaeModel.DECODE_OVERLAP, 64}) {
                double e = Ref.relErr(vae.decode(lat, 160, overlap, null).data(), whole.data());
                assertTrue(e < 1e-5, "overlap " + overlap + ": tiled vs whole decode relative error " + e);
            }
            // Below the receptive field (about ±9 frames) the joins show: the test can tell.
            assertTrue(Ref.relErr(vae.decode(lat, 160, 4, null).data(), whole.data()) > 1e-3);
        }
    }

    @Test
    void tiledEncodeMatchesWholeEncodeAndIsCachedByContent() throws Exception {
        ModelPack pack = DemoPackFixture.pack();
        try (VaeModel vae = new VaeModel(pack.vae(), new GraphCache(tmp.resolve("g")))) {
            float[] audio = new float[2 * 1920 * 130];
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < audio.length; i++) audio[i] = (float) (0.3 * Math.sin(i * 0.01) + 0.05 * r.nextGaussian());
            Tensor3 a = new Tensor3(audio, 1, audio.length / 2, 2);
            Tensor3 whole = vae.encode(a, 1000, 10, null);
            Tensor3 tiled = vae.encode(a, 40, 12, null);
            assertEquals(130, tiled.frames());
            double err = Ref.relErr(tiled.data(), whole.data());
            assertTrue(err < 1e-3, "tiled vs whole encode relative error " + err);

            LatentCache cache = new LatentCache(tmp.resolve("latents"));
            Tensor3 first = cache.encode(vae, "vae-id", audio, null);
            assertTrue(!cache.lastWasHit());
            Tensor3 second = cache.encode(vae, "vae-id", audio, null);
            assertTrue(cache.lastWasHit(), "the second encode of the same audio comes from the cache");
            org.junit.jupiter.api.Assertions.assertArrayEquals(first.data(), second.data());
            audio[5] += 0.01f;
            cache.encode(vae, "vae-id", audio, null);
            assertTrue(!cache.lastWasHit(), "other audio, other key");
        }
    }

    @Test
    void graphCacheIsReusedAndKeyedByWhatItWasBuiltFrom() throws Exception {
        Path cache = tmp.resolve("cache");
        ModelPack pack = DemoPackFixture.pack();
        try (DitModel m = new DitModel(pack.dit(ModelPack.Variant.TURBO), new GraphCache(cache))) {
            m.tokenize(m.silence(10));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(cache)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        long stamp = Files.getLastModifiedTime(files.get(0)).toMillis();
        try (DitModel m = new DitModel(pack.dit(ModelPack.Variant.TURBO), new GraphCache(cache));
             DitModel b = new DitModel(pack.dit(ModelPack.Variant.BASE), new GraphCache(cache))) {
            m.tokenize(m.silence(10));
            b.tokenize(b.silence(10));
        }
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(2, s.count(), "same graph reused; the base checkpoint (other config) gets its own");
        }
        assertEquals(stamp, Files.getLastModifiedTime(files.get(0)).toMillis());
    }

    @Test
    void cancelStopsBetweenStepsAndWritesNothing() throws Exception {
        Path out = tmp.resolve("out").resolve("c.wav");
        List<Progress> seen = new CopyOnWriteArrayList<>();
        try (RenderService service = new RenderService(1, new GraphCache(tmp.resolve("g")))) {
            RenderJob[] job = new RenderJob[1];
            RenderRequest r = RenderRequest.builder().caption("x").duration(30).seed(1).steps(30).variant("base")
                    .modelDir(DemoPackFixture.pack().root()).output(out).build();
            job[0] = service.submit(r, p -> {
                seen.add(p);
                if (p.stage() == Progress.Stage.DIFFUSION && p.fraction() >= 0.1) job[0].cancel();
            }, null);
            ExecutionException e = assertThrows(ExecutionException.class, () -> job[0].result().get());
            assertInstanceOf(CancelledException.class, e.getCause());
        }
        assertTrue(seen.stream().anyMatch(p -> p.stage() == Progress.Stage.DIFFUSION));
        assertTrue(seen.stream().noneMatch(p -> p.stage() == Progress.Stage.DECODING), "stopped before decoding");
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void everyDurationGivesExactLength() {
        for (double d : new double[]{10, 10.04, 10.05, 33.3, 599.99, 600})
            assertEquals((int) (Math.round(d * 10) / 10.0 * 48000) / 1920, org.aceforge.engine.timeline.Timeline.latentFramesOf(d, 48000, 1920), "duration " + d);
        assertEquals(250, org.aceforge.engine.timeline.Timeline.latentFramesOf(10, 48000, 1920));
        assertEquals(15000, org.aceforge.engine.timeline.Timeline.latentFramesOf(600, 48000, 1920));
    }
}
