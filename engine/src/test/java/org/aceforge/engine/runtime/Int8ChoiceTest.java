package org.aceforge.engine.runtime;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.graph.Int8Kernel;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The INT8 kernel per CPU: each path against fp32, the choice from (injected) measurements, forcing, remembering. */
class Int8ChoiceTest {
    @TempDir
    Path tmp;
    final String forced = System.getProperty("aceforge.int8.kernel"), cache = System.getProperty("aceforge.cache");

    @AfterEach
    void restore() {
        if (forced == null) System.clearProperty("aceforge.int8.kernel"); else System.setProperty("aceforge.int8.kernel", forced);
        if (cache == null) System.clearProperty("aceforge.cache"); else System.setProperty("aceforge.cache", cache);
        Int8Choice.reset();
    }

    static Int8Choice.Measurement m(Int8Kernel k, double ms, double err) {
        return new Int8Choice.Measurement(k, ms / 1e3, err);
    }

    /**
     * Whether this CPU has VNNI (AVX-512 VNNI or AVX-VNNI). Without it ONNX Runtime's u8·s8 kernels multiply through
     * 16-bit pair sums that saturate, so the per-tensor-activation kernels can be far off fp32 there (measured on an
     * AVX2-only EPYC: DynamicQuantizeMatMul 17 % off); the chooser must then see it and never pick them.
     */
    static boolean vnni() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            return flags.contains(" avx512_vnni") || flags.contains(" avx_vnni");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void eachKernelFollowsFp32WithinItsError() {
        List<Int8Choice.Measurement> ms = Int8Choice.measure(64, 512, 256, 1);
        assertEquals(1 + java.util.Arrays.stream(Int8Kernel.values()).filter(Int8Kernel::automatic).count(), ms.size(), ms.toString());
        Int8Kernel chosen = Int8Choice.choose(ms).kernel();
        for (Int8Choice.Measurement x : ms) {
            if (x.kernel() == null) assertEquals(0, x.relativeError());
            else if (x.kernel() == Int8Kernel.MATMUL_NBITS) assertTrue(x.relativeError() > 0 && x.relativeError() < 1e-2, x.toString());
            else if (x.kernel().columnLevels() == 63)   // 7-bit weights cannot saturate on any CPU: always within budget
                assertTrue(x.relativeError() > 0 && x.relativeError() < Int8Choice.ERROR_BUDGET, x.toString());
            else if (vnni() || x.relativeError() <= Int8Choice.ERROR_BUDGET)
                assertTrue(x.relativeError() > 0 && x.relativeError() < 2e-2, x.toString());   // per-tensor activations
            else assertTrue(chosen != x.kernel(), "a kernel off budget on this CPU is never chosen: " + ms);
        }
    }

    @Test
    void theFastestKernelWithinTheBudgetWinsAndFp32WhenInt8IsNotFaster() {
        var fp32 = m(null, 30, 0);
        Int8Choice.Choice c = Int8Choice.choose(List.of(fp32, m(Int8Kernel.MATMUL_NBITS, 15, 7e-3), m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, 12, 9e-3),
                m(Int8Kernel.MATMUL_INTEGER, 10, 3e-2)));
        assertEquals(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, c.kernel(), "the fastest is over budget: the next one");
        assertTrue(c.why().startsWith("INT8 through dqmm, 2.5× fp32"), c.why());
        Int8Choice.Choice slow = Int8Choice.choose(List.of(fp32, m(Int8Kernel.MATMUL_NBITS, 42, 7e-3), m(Int8Kernel.MATMUL_INTEGER, 29, 9e-3)));
        assertNull(slow.kernel(), "an AVX2-only CPU where INT8 is slower: fp32");
        assertTrue(slow.why().startsWith("INT8 is not faster than fp32 on this CPU: fp32 (fp32 30.0 ms, nbits 42.0 ms"), slow.why());
        Int8Choice.Choice off = Int8Choice.choose(List.of(fp32, m(Int8Kernel.MATMUL_NBITS, 10, 5e-2)));
        assertNull(off.kernel());
        assertTrue(off.why().startsWith("no INT8 kernel within the error budget"), off.why());
    }

    /**
     * The figures of a 2-core AVX2 EPYC without VNNI (docs/benchmarks.md): the 8-bit per-tensor kernels saturate, the
     * 7-bit ones are 2× fp32 within budget, MatMulNBits is slower than fp32 — so the DiT takes integer7 and the
     * encoders stay fp32. On a VNNI CPU too: INT8 encoders took a whole render to the edge of the quality budget.
     */
    @Test
    void anAvx2CpuTakesSevenBitWeightsAndKeepsTheEncodersOnFp32() {
        Int8Choice.Choice avx2 = Int8Choice.choose(List.of(m(null, 50.5, 0), m(Int8Kernel.MATMUL_NBITS, 75.6, 7.5e-3),
                m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, 26.1, 0.135), m(Int8Kernel.MATMUL_INTEGER, 28.1, 0.135),
                m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, 26.5, 1.3e-2), m(Int8Kernel.MATMUL_INTEGER_7, 21.8, 1.3e-2)));
        assertEquals(Int8Kernel.MATMUL_INTEGER_7, avx2.kernel());
        assertNull(avx2.encoders());
        assertTrue(avx2.why().startsWith("INT8 through integer7, 2.3× fp32; text and condition encoders on fp32"), avx2.why());
        // On VNNI the full-range kernels are within budget: their 7-bit twins are not taken for a difference of noise.
        Int8Choice.Choice vnni = Int8Choice.choose(List.of(m(null, 33.5, 0), m(Int8Kernel.MATMUL_NBITS, 16.3, 7.5e-3),
                m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, 12.2, 1.1e-2), m(Int8Kernel.MATMUL_INTEGER, 10.0, 1.1e-2),
                m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, 12.1, 1.3e-2), m(Int8Kernel.MATMUL_INTEGER_7, 9.8, 1.3e-2)));
        assertEquals(Int8Kernel.MATMUL_INTEGER, vnni.kernel());
        assertNull(vnni.encoders());
        assertTrue(vnni.why().startsWith("INT8 through integer, 3.4× fp32; text and condition encoders on fp32"), vnni.why());
        Int8Choice.Choice close = Int8Choice.choose(List.of(m(null, 70.1, 0), m(Int8Kernel.MATMUL_NBITS, 61.8, 7.5e-3),
                m(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, 39.8, 1.3e-2)));
        assertEquals(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, close.kernel());
        assertNull(close.encoders());
        assertNull(new Int8Choice.Choice(Int8Kernel.MATMUL_INTEGER, "forced").encoders());
        assertNull(new Int8Choice.Choice(null, "forced").encoders());
    }

    @Test
    void theEncodersCanBeForcedOntoInt8OrFp32AndABadValueIsRefused() {
        Int8Choice.Choice dit = new Int8Choice.Choice(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, "measured");
        assertSame(dit, Int8Choice.withEncoders(dit, null));
        assertSame(dit, Int8Choice.withEncoders(dit, " "));
        Int8Choice.Choice nbits = Int8Choice.withEncoders(dit, "NBITS");
        assertEquals(Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, nbits.kernel());
        assertEquals(Int8Kernel.MATMUL_NBITS, nbits.encoders());
        assertTrue(nbits.why().endsWith("encoders forced by AF_INT8_ENCODERS / aceforge.int8.encoders: nbits"), nbits.why());
        assertNull(Int8Choice.withEncoders(nbits, "fp32").encoders());
        // Without an INT8 DiT the encoders stay fp32: the flag is about a render on --int8.
        assertNull(Int8Choice.withEncoders(new Int8Choice.Choice(null, "fp32"), "nbits").encoders());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Int8Choice.withEncoders(dit, "int4"));
        assertEquals("AF_INT8_ENCODERS int4 is unknown: use nbits, dqmm, integer, dqmm7, integer7 or fp32", e.getMessage());
    }

    @Test
    void aForcedKernelIsUsedAndABadOneIsRefused() {
        System.setProperty("aceforge.int8.kernel", "integer");
        Int8Choice.reset();
        assertEquals(Int8Kernel.MATMUL_INTEGER, Int8Choice.current().kernel());
        System.setProperty("aceforge.int8.kernel", "fp32");
        Int8Choice.reset();
        assertNull(Int8Choice.current().kernel());
        System.setProperty("aceforge.int8.kernel", "int4");
        Int8Choice.reset();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Int8Choice::current);
        assertEquals("AF_INT8_KERNEL int4 is unknown: use nbits, dqmm, integer, dqmm7, integer7 or fp32", e.getMessage());
    }

    @Test
    void theMeasuredChoiceIsRememberedPerMachine() throws Exception {
        System.clearProperty("aceforge.int8.kernel");
        System.setProperty("aceforge.cache", tmp.toString());
        Int8Choice.reset();
        Int8Choice.Choice first = Int8Choice.current();
        String file = Files.readString(tmp.resolve("int8-kernel.json"));
        assertTrue(file.contains(Int8Choice.machine().replace("\"", "")) || file.contains("ONNX Runtime"), file);
        Int8Choice.reset();
        Int8Choice.Choice again = Int8Choice.current();
        assertEquals(first.kernel(), again.kernel());
        assertEquals(first.encoders(), again.encoders());
        assertTrue(file.contains("\"kernels\" : \"" + Int8Choice.kernelsMeasured() + "\""), file);
        // A file from a build that measured fewer kernels is measured again.
        Files.writeString(tmp.resolve("int8-kernel.json"), file.replace(Int8Choice.kernelsMeasured(), "nbits,dqmm,integer"));
        Int8Choice.reset();
        assertTrue(!Int8Choice.current().why().endsWith("(remembered)"), "re-measured when new kernels exist");
        assertTrue(again.why().endsWith("(remembered)"), again.why());
        // So is one made by an older rule (the first rule put the encoders on MatMulNBits on VNNI CPUs).
        Files.writeString(tmp.resolve("int8-kernel.json"), file.replace("\"rule\" : " + Int8Choice.RULE, "\"rule\" : 1"));
        Int8Choice.reset();
        assertTrue(!Int8Choice.current().why().endsWith("(remembered)"), "re-measured after a rule change");
        // Another machine key's choice (another thread count, say) is kept beside this one's, not overwritten.
        String other = "Some CPU (VNNI), ONNX Runtime 1.29.0, 1 threads";
        com.fasterxml.jackson.databind.node.ObjectNode two = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(file);
        ((com.fasterxml.jackson.databind.node.ObjectNode) two.get("choices")).remove(Int8Choice.machine());
        ((com.fasterxml.jackson.databind.node.ObjectNode) two.get("choices")).putObject(other).put("kernel", "integer")
                .put("encoders", "fp32").put("why", "measured there");
        Files.writeString(tmp.resolve("int8-kernel.json"), two.toString());
        Int8Choice.reset();
        assertTrue(!Int8Choice.current().why().endsWith("(remembered)"), "this machine has no entry yet: measured");
        String both = Files.readString(tmp.resolve("int8-kernel.json"));
        assertTrue(both.contains(other) && both.contains("measured there"), both);
        Int8Choice.reset();
        assertTrue(Int8Choice.current().why().endsWith("(remembered)"), "and this machine's entry is remembered now");
    }

    /** A choice measured under ONNX Runtime's profiling (which slows kernels unevenly) is not remembered. */
    @Test
    void aChoiceMeasuredWhileProfilingIsNotRemembered() throws Exception {
        System.clearProperty("aceforge.int8.kernel");
        System.setProperty("aceforge.cache", tmp.toString());
        System.setProperty("aceforge.ort.profile", tmp.resolve("profile").toString());
        try {
            Int8Choice.reset();
            Int8Choice.current();
            assertTrue(!Files.exists(tmp.resolve("int8-kernel.json")), "not remembered");
        } finally {
            System.clearProperty("aceforge.ort.profile");
        }
    }

    /** Where INT8 is not used (here forced, as on a CPU where it is slower), --int8 renders fp32 and says so. */
    @Test
    void int8OnACpuWhereItIsSlowerRendersFp32AndSaysSo() throws Exception {
        System.setProperty("aceforge.int8.kernel", "fp32");
        Int8Choice.reset();
        try (RenderService s = new RenderService(1, new GraphCache(tmp.resolve("g")))) {
            RenderRequest r = RenderRequest.builder().caption("warm keys").duration(10).seed(3).int8(true)
                    .modelDir(DemoPackFixture.pack().root()).output(tmp.resolve("a.wav")).build();
            RenderJob job = s.submit(r, p -> { }, null);
            job.result().get(120, TimeUnit.SECONDS);
            assertTrue(job.notes().stream().anyMatch(n -> n.startsWith("--int8 asked, forced by")), job.notes().toString());
            assertTrue(Files.readString(tmp.resolve("a.json")).contains("\"dit_weights\" : \"fp32\""));
            assertTrue(Files.readString(tmp.resolve("a.json")).contains("\"encoder_weights\" : \"fp32\""));
        }
    }
}
