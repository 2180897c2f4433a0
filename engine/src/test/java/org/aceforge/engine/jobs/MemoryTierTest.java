package org.aceforge.engine.jobs;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.runtime.MachineMemory;
import org.aceforge.engine.runtime.MemoryTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tier table of spec §5.1, what a tier changes in a request (said in words), and batches split without loss. */
class MemoryTierTest {
    @TempDir
    Path tmp;

    static Supplier<MachineMemory> plenty() {
        return () -> new MachineMemory("cuda", 80_000_000_000L, "test");
    }

    static Supplier<MachineMemory> gpu(double gb) {
        return () -> new MachineMemory("cuda", (long) (gb * 1e9), "test");
    }

    @Test
    void theTierTableFollowsTheReference() {
        assertEquals("tier1", MemoryTier.forGpu(4_000_000_000L).name());
        assertEquals("tier2", MemoryTier.forGpu(6_000_000_000L).name());
        assertEquals("tier3", MemoryTier.forGpu(8_000_000_000L).name());
        assertEquals("tier4", MemoryTier.forGpu(11_000_000_000L).name());
        assertEquals("tier5", MemoryTier.forGpu(16_000_000_000L).name());
        assertEquals("tier6a", MemoryTier.forGpu(20_000_000_000L).name());
        assertEquals("tier6b", MemoryTier.forGpu(24_000_000_000L).name());
        assertEquals("unlimited", MemoryTier.forGpu(48_000_000_000L).name());
        MemoryTier t5 = MemoryTier.forGpu(16_000_000_000L);
        assertEquals(480, t5.maxSeconds(true));
        assertEquals(600, t5.maxSeconds(false));
        assertEquals(4, t5.maxBatch(true));
        assertEquals(List.of("1.7B", "0.6B"), t5.lmSizes());
        assertEquals("tier3", MemoryTier.forCpu(16_000_000_000L).name(), "CPU RAM counts half (float32 weights)");
    }

    RenderRequest.Builder request() {
        return RenderRequest.builder().caption("x").duration(600).batch(8).output(tmp.resolve("o.wav"));
    }

    @Test
    void aTierChangesWhatDoesNotFitAndSaysSo() {
        MemoryPolicy.Applied small = MemoryPolicy.apply(request().lm(LmRequest.thinking()).build(), gpu(5).get(), false);
        assertNull(small.request().lm(), "no LM fits in tier2");
        assertEquals(1, small.maxBatch());
        assertTrue(small.offload());
        assertTrue(small.changes().stream().anyMatch(c -> c.contains("5 Hz LM does not fit in tier2")), small.changes().toString());
        assertTrue(small.changes().stream().anyMatch(c -> c.contains("rendered 1 at a time")), small.changes().toString());
        assertTrue(small.request().model().int8(), "tier2 runs on INT8");
        assertTrue(small.changes().contains("the DiT run on INT8 weights in tier2 (5 GB GPU)"), small.changes().toString());
        MemoryPolicy.Applied cpu = MemoryPolicy.apply(request().build(), new MachineMemory("cpu", 10_000_000_000L, "test"), false);
        assertFalse(cpu.request().model().int8(), "on CPU INT8 stays the user's choice (it changes the audio)");

        LmRequest big = new LmRequest(true, "4B", org.aceforge.engine.lm.LmOptions.defaults(), null, 8, false, false);
        MemoryPolicy.Applied mid = MemoryPolicy.apply(request().lm(big).build(), gpu(10).get(), false);
        assertEquals("0.6B", mid.request().lm().model());
        assertEquals(480, mid.request().music().duration(), "with the LM tier4 renders at most 480 s");
        assertTrue(mid.changes().stream().anyMatch(c -> c.startsWith("duration 600 s → 480 s")), mid.changes().toString());
        assertTrue(mid.summary().startsWith("memory: GPU 10.0 GB (test) → tier4"), mid.summary());
        assertTrue(mid.changes().contains("the DiT and the LM run on INT8 weights in tier4 (10 GB GPU)"), mid.changes().toString());
        assertFalse(MemoryPolicy.apply(request().build(), gpu(24).get(), false).request().model().int8(), "tier6b runs on full weights");

        assertEquals(128, MemoryPolicy.vaeTileFrames(gpu(5).get()), "a 5 GB GPU decodes in tiles of 128 frames (the reference's table)");
        assertEquals(512, MemoryPolicy.vaeTileFrames(gpu(24).get()));
        assertEquals(1024, MemoryPolicy.vaeTileFrames(new MachineMemory("cpu", 22_000_000_000L, "test")));
        assertEquals(512, MemoryPolicy.vaeTileFrames(new MachineMemory("cpu", 15_000_000_000L, "test")));
        assertEquals(256, MemoryPolicy.vaeTileFrames(new MachineMemory("cpu", 8_000_000_000L, "test")));
        MemoryPolicy.Applied none = MemoryPolicy.apply(request().build(), plenty().get(), false);
        assertEquals(List.of(), none.changes());
        assertFalse(none.offload());
    }

    /**
     * What the process already holds (open models, ONNX Runtime's arenas) counts as the render's memory, so the second
     * render of a session gets the tier the first got and keeps its models open. The figures are those measured on a
     * 24 GB machine with the full-size models: 24.7 GB free before the first render, 13 GB free and 11.3 GB held after.
     */
    @Test
    void theModelsAlreadyOpenCountAsTheRendersMemory() throws Exception {
        RenderRequest r = request().lm(LmRequest.thinking()).batch(4).build();
        MachineMemory before = new MachineMemory("cpu", 24_700_000_000L, MachineMemory.MEM_AVAILABLE);
        MachineMemory after = new MachineMemory("cpu", 13_000_000_000L, MachineMemory.MEM_AVAILABLE);
        MemoryPolicy.Applied first = MemoryPolicy.apply(r, before.withOwn(300_000_000L), false);
        MemoryPolicy.Applied second = MemoryPolicy.apply(r, after.withOwn(11_300_000_000L), false);
        assertEquals(first.tier(), second.tier());
        assertEquals(first.maxBatch(), second.maxBatch());
        assertEquals(first.changes().size(), second.changes().size(), second.changes().toString());
        assertFalse(second.offload(), "the open models are not freed between stages only to be opened again");
        assertTrue(second.summary().contains("+ 11.3 GB this process holds"), second.summary());

        MemoryPolicy.Applied freeRamAlone = MemoryPolicy.apply(r, after, false);
        assertTrue(freeRamAlone.offload(), "free RAM alone made the second render offload");
        assertTrue(freeRamAlone.maxBatch() < first.maxBatch(), "and render in smaller groups");

        MachineMemory fixed = new MachineMemory("cpu", 10_000_000_000L, "AF_MEMORY_GB"), gpu = gpu(16).get();
        assertEquals(fixed, fixed.withOwn(5_000_000_000L), "a fixed figure stays as given");
        assertEquals(gpu, gpu.withOwn(5_000_000_000L), "a GPU's figure is its total memory");
        assertEquals(after, after.withOwn(null));

        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmHWM:\t22249000 kB\nRssAnon:\t11534336 kB\nRssFile:\t11239424 kB\n");
        assertEquals(11534336L * 1024, MachineMemory.ownAnonymousBytes(status));
        Files.writeString(status, "Name:\tjava\n");
        assertNull(MachineMemory.ownAnonymousBytes(status));
        if (Files.isReadable(Path.of("/proc/self/status")))
            assertTrue(MachineMemory.ownAnonymousBytes() > 0, "this process's own memory is read on Linux");
    }

    /**
     * Variants rendered a group at a time are the same audio as rendered all together, and none is lost: byte for byte
     * on float32 weights and on INT8 (which the small GPU tiers choose; its variants always go one at a time).
     */
    @Test
    void aBatchSplitIntoGroupsGivesTheSameVariants() throws Exception {
        System.setProperty("aceforge.vae.chunk", "256");   // the tiers' VAE tiles differ: only the grouping is compared
        try {
            splitGroups();
        } finally {
            System.clearProperty("aceforge.vae.chunk");
        }
    }

    void splitGroups() throws Exception {
        Supplier<MachineMemory> smallCpu = () -> new MachineMemory("cpu", 10_000_000_000L, "test");   // tier2, float32
        render("whole", plenty(), false);
        render("split", smallCpu, false);
        for (int i = 1; i <= 3; i++)
            assertArrayEquals(Files.readAllBytes(tmp.resolve("whole-" + i + ".wav")), Files.readAllBytes(tmp.resolve("split-" + i + ".wav")), "variant " + i);
        assertTrue(Files.readString(tmp.resolve("split-2.json")).contains("\"tier\" : \"tier2\""));

        render("whole8", plenty(), true);
        RenderJob small = render("split8", gpu(5), false);
        assertTrue(small.notes().stream().anyMatch(n -> n.contains("INT8")), small.notes().toString());
        for (int i = 1; i <= 3; i++)
            assertArrayEquals(Files.readAllBytes(tmp.resolve("whole8-" + i + ".wav")), Files.readAllBytes(tmp.resolve("split8-" + i + ".wav")), "INT8 variant " + i);
    }

    RenderJob render(String name, Supplier<MachineMemory> mem, boolean int8) throws Exception {
        try (RenderService s = new RenderService(1, new GraphCache(tmp.resolve("g"))).memory(mem)) {
            RenderRequest r = RenderRequest.builder().caption("warm keys").duration(10).batch(3).seed(11).method("sde").int8(int8)
                    .modelDir(DemoPackFixture.pack().root()).output(tmp.resolve(name + ".wav")).build();
            RenderJob job = s.submit(r, p -> { }, null);
            job.result().get(300, TimeUnit.SECONDS);
            if (name.startsWith("split")) assertTrue(job.notes().stream().anyMatch(n -> n.contains("rendered 1 at a time")), job.notes().toString());
            return job;
        }
    }

}
