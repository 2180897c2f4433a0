package org.aceforge.client;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.jobs.CancelledException;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.Folders;
import org.aceforge.server.ApiServer;
import org.aceforge.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rendering on a server from a client, against a real in-process server on loopback with the demo pack: the files a
 * remote render brings back are the files a local render writes (same audio for the same seed), sources travel once
 * per content, cancel reaches the server, a cut connection is said and survived, and refusals come back in words.
 */
class RemoteRendererTest {
    static ApiServer server, keyed;
    static RenderService local;
    static Path root, source;

    @BeforeAll
    static void start() throws Exception {
        root = Path.of("target", "remote-renderer-test").toAbsolutePath();
        Folders.deleteRecursively(root);
        Files.createDirectories(root);
        Path models = DemoPackFixture.pack().root();
        server = new ApiServer(new ServerSettings("127.0.0.1", 0, null, 1, models, root.resolve("server"), 50, 20, 8, false)).start();
        keyed = new ApiServer(new ServerSettings("127.0.0.1", 0, "sesame", 0, models, root.resolve("keyed"), 50, 20, 8, false)).start();
        local = new RenderService(1, GraphCache.defaultCache());
        // A source to edit: a short local render.
        RenderResult r = local.submit(text2music(root.resolve("src/source.wav"), 5).build(), p -> { }).result().get(3, TimeUnit.MINUTES);
        source = r.items().get(0).audio();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (keyed != null) keyed.close();
        if (local != null) local.close();
    }

    static RenderRequest.Builder text2music(Path out, long seed) {
        return RenderRequest.builder().caption("warm lofi hip hop, mellow keys").lyrics("[Instrumental]").duration(10)
                .seed(seed).steps(8).modelDir(DemoPackFixture.pack().root()).output(out);
    }

    static RemoteRenderer client(int port) {
        return new RemoteRenderer(ServerAddress.parse("127.0.0.1:" + port, null), Duration.ofMillis(100));
    }

    static float[] samples(Path p) throws Exception {
        return AudioDecoder.decode(p).interleaved();
    }

    @Test
    void aRemoteRenderBringsBackWhatALocalRenderWrites() throws Exception {
        RenderRequest req = text2music(root.resolve("t2m/remote.wav"), 4242).batch(2).seeds(List.of(4242L, 7L)).seedNames(true).lrc(true).build();
        List<Progress> seen = new CopyOnWriteArrayList<>();
        try (RemoteRenderer remote = client(server.port())) {
            RenderJob job = remote.submit(req, seen::add);
            RenderResult r = job.result().get(3, TimeUnit.MINUTES);
            RenderResult l = local.submit(req.withOutput(root.resolve("t2m/local.wav")), p -> { }).result().get(3, TimeUnit.MINUTES);
            assertEquals(2, r.items().size());
            for (int i = 0; i < 2; i++) {
                RenderResult.Item ri = r.items().get(i), li = l.items().get(i);
                assertEquals(li.seed(), ri.seed());
                assertEquals("remote v" + (i + 1) + " seed " + ri.seed() + ".wav", ri.audio().getFileName().toString());
                assertArrayEquals(samples(li.audio()), samples(ri.audio()), 0f, "the same audio for seed " + ri.seed());
                assertTrue(Files.isRegularFile(ri.sidecar()), "the sidecar beside the file");
                String side = Files.readString(ri.sidecar());
                assertTrue(side.contains("\"rendered_on\"") && side.contains(ri.audio().toString().replace("\\", "\\\\")), side);
                assertTrue(Files.isRegularFile(RenderRequest.besideAudio(ri.audio(), ".lrc")), "the timed lyrics");
                assertEquals(10.0, ri.durationSeconds(), 0.05);
            }
            assertTrue(r.demoModels(), "the server said it rendered with the demo pack");
            assertEquals(Progress.Stage.DONE, job.progress().stage());
            assertTrue(seen.stream().anyMatch(p -> p.overall() > 0 && p.overall() < 1), "progress in between: " + seen);
            try (var files = Files.list(root.resolve("t2m"))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no partial files");
            }
        }
    }

    @Test
    void anEditSendsItsSourceOnceAndMatchesTheLocalEdit() throws Exception {
        RenderRequest repaint = RenderRequest.builder().task("repaint").source(source).caption("bright synth lead")
                .range(1, 3).range(6, 8).seed(11).steps(8).modelDir(DemoPackFixture.pack().root())
                .output(root.resolve("edit/remote.flac")).build();
        try (RemoteRenderer remote = client(server.port())) {
            List<String> first = new CopyOnWriteArrayList<>(), second = new CopyOnWriteArrayList<>();
            RenderResult a = remote.submit(repaint, p -> first.add(p.message())).result().get(3, TimeUnit.MINUTES);
            RenderResult b = remote.submit(repaint.withOutput(root.resolve("edit/again.flac")), p -> second.add(p.message()))
                    .result().get(3, TimeUnit.MINUTES);
            assertTrue(first.stream().anyMatch(m -> m.startsWith("Uploading source.wav")), "uploaded the first time: " + first);
            assertTrue(second.stream().noneMatch(m -> m.startsWith("Uploading")), "not the second time: " + second);
            RenderResult l = local.submit(repaint.withOutput(root.resolve("edit/local.flac")), p -> { }).result().get(3, TimeUnit.MINUTES);
            assertArrayEquals(samples(l.items().get(0).audio()), samples(a.items().get(0).audio()), 0f, "two regions repainted as here");
            assertArrayEquals(samples(a.items().get(0).audio()), samples(b.items().get(0).audio()), 0f);
            try (var hashes = Files.list(root.resolve("server/uploads/sha256"))) {
                assertEquals(1, hashes.count(), "one upload for one content");
            }
        }
    }

    @Test
    void cancelReachesTheServer() throws Exception {
        RenderRequest slow = text2music(root.resolve("cancel/slow.wav"), 3).duration(240).build();
        try (RemoteRenderer remote = client(server.port())) {
            RenderJob job = remote.submit(slow, p -> { });
            long t0 = System.nanoTime();
            while (job.progress().overall() <= 0 && System.nanoTime() - t0 < 60e9) Thread.sleep(20);
            job.cancel();
            ExecutionException e = assertThrows(ExecutionException.class, () -> job.result().get(2, TimeUnit.MINUTES));
            assertInstanceOf(CancelledException.class, e.getCause());
            assertFalse(Files.exists(root.resolve("cancel/slow.wav")), "nothing written for a cancelled render");
        }
    }

    @Test
    void aCutConnectionIsSaidAndTheResultStillArrives() throws Exception {
        RenderRequest req = text2music(root.resolve("cut/song.wav"), 5150).duration(60).build();
        try (CuttableProxy proxy = new CuttableProxy(server.port()); RemoteRenderer remote = client(proxy.port())) {
            List<String> messages = new CopyOnWriteArrayList<>();
            RenderJob job = remote.submit(req, p -> messages.add(p.message()));
            long t0 = System.nanoTime();
            while (job.progress().overall() <= 0 && System.nanoTime() - t0 < 60e9) Thread.sleep(20);
            proxy.cut();
            Thread.sleep(1500);
            assertTrue(messages.stream().anyMatch(m -> m.contains("lost")), "the cut is said: " + messages);
            proxy.restore();
            RenderResult r = job.result().get(3, TimeUnit.MINUTES);
            RenderResult l = local.submit(req.withOutput(root.resolve("cut/local.wav")), p -> { }).result().get(3, TimeUnit.MINUTES);
            assertArrayEquals(samples(l.items().get(0).audio()), samples(r.items().get(0).audio()), 0f);
        }
    }

    @Test
    void refusalsComeBackInWords() throws Exception {
        RenderRequest req = text2music(root.resolve("bad/x.wav"), 1).build();
        try (RemoteRenderer wrongKey = new RemoteRenderer(ServerAddress.parse("127.0.0.1:" + keyed.port(), "open"), Duration.ofMillis(100))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> wrongKey.submit(req, p -> { }).result().get(1, TimeUnit.MINUTES));
            assertInstanceOf(ServerException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("unauthorized"), e.getCause().getMessage());
            assertThrows(ServerException.class, () -> RemoteRenderer.check(wrongKey.address()));
        }
        assertTrue(RemoteRenderer.check(ServerAddress.parse("127.0.0.1:" + keyed.port(), "sesame")).contains("AceForge"));
        try (RemoteRenderer remote = client(server.port())) {
            RenderRequest noAdapter = text2music(root.resolve("bad/y.wav"), 1).lora(root.resolve("no-such-adapter"), 1.0).build();
            ExecutionException e = assertThrows(ExecutionException.class, () -> remote.submit(noAdapter, p -> { }).result().get(1, TimeUnit.MINUTES));
            assertTrue(e.getCause().getMessage().startsWith("lora_path:"), e.getCause().getMessage());
            // Checked here, before anything is sent, as a local render would be.
            assertThrows(BadRequestException.class, () -> remote.submit(text2music(root.resolve("bad/z.wav"), 1).bpm(999).build(), p -> { }));
            assertThrows(BadRequestException.class, () -> remote.submit(text2music(root.resolve("bad/z.opus"), 1).build(), p -> { }));
        }
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RemoteRenderer nobody = client(closed)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> nobody.submit(req, p -> { }).result().get(1, TimeUnit.MINUTES));
            assertTrue(e.getCause().getMessage().startsWith("cannot reach http://127.0.0.1:" + closed), e.getCause().getMessage());
        }
        try (var files = Files.list(root.resolve("bad"))) {
            assertEquals(0, files.count(), "no files from refused renders");
        } catch (java.nio.file.NoSuchFileException ok) {
            // nothing was even created
        }
    }
}
