package org.aceforge.engine.runtime;

import org.aceforge.engine.graph.Int8Kernel;
import org.aceforge.engine.graph.Int8Weights;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantized forms kept on disk: read back equal to the bit, never stale, never trusted when damaged. */
class QuantizedCacheTest {
    private static final Path ROOT = Path.of("target", "quantized-cache-test");

    private static WeightSource weights() {
        Random rnd = new Random(3);
        float[] a = new float[256 * 384], b = new float[128 * 256];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        Map<String, TensorData> t = Map.of("a.weight", TensorData.ofFloats("a.weight", a, 256, 384),
                "b.weight", TensorData.ofFloats("b.weight", b, 128, 256));
        return () -> t;
    }

    private static Path checkpoint(String name) throws Exception {
        Path folder = ROOT.resolve(name);
        deleteTree(folder);
        Files.createDirectories(folder);
        Files.write(folder.resolve("model.safetensors"), new byte[]{1, 2, 3});
        return folder;
    }

    private static Path cacheRoot(String name) throws Exception {
        Path root = ROOT.resolve(name + "-cache");
        deleteTree(root);
        return root;
    }

    @Test
    void formsAreReadBackEqualToTheBitForEveryKernel() throws Exception {
        Path folder = checkpoint("every-kernel"), root = cacheRoot("every-kernel");
        WeightSource w = weights();
        for (Int8Kernel kernel : new Int8Kernel[]{Int8Kernel.MATMUL_NBITS, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL,
                Int8Kernel.DYNAMIC_QUANTIZE_MATMUL_7, Int8Kernel.MATMUL_NBITS4}) {
            Int8Weights fresh = new Int8Weights(w, kernel);
            Int8Weights first = new Int8Weights(w, kernel, QuantizedCache.forCheckpoint(root, folder, "model"));
            Int8Weights second = new Int8Weights(w, kernel, QuantizedCache.forCheckpoint(root, folder, "model"));
            for (String name : new String[]{"a.weight", "b.weight"}) {
                TensorData src = w.get(name);
                TensorData[] want = forms(fresh, kernel, src), made = forms(first, kernel, src), read = forms(second, kernel, src);
                for (int i = 0; i < 2; i++) {
                    assertEquals(want[i].bytes(), made[i].bytes(), kernel + " " + name);
                    assertEquals(want[i].bytes(), read[i].bytes(), kernel + " " + name + " read back");
                    assertEquals(want[i].dtype(), read[i].dtype());
                    assertEquals(java.util.Arrays.toString(want[i].shape()), java.util.Arrays.toString(read[i].shape()));
                    assertEquals(want[i].name(), read[i].name());
                    assertFalse(fromFile(made[i]), "the first open quantizes");
                    assertTrue(fromFile(read[i]), kernel + " " + name + ": the second open reads the file");
                }
            }
        }
    }

    private static TensorData[] forms(Int8Weights q, Int8Kernel kernel, TensorData w) {
        return switch (kernel) {
            case MATMUL_NBITS -> new TensorData[]{q.quantized(w), q.scales(w)};
            case MATMUL_NBITS4 -> new TensorData[]{q.nibbles(w), q.nibbleScales(w)};
            default -> new TensorData[]{q.columns(w), q.columnScales(w)};
        };
    }

    @Test
    void aChangedCheckpointEmptiesTheFolder() throws Exception {
        Path folder = checkpoint("changed"), root = cacheRoot("changed");
        WeightSource w = weights();
        new Int8Weights(w, Int8Kernel.MATMUL_NBITS, QuantizedCache.forCheckpoint(root, folder, "model")).quantized(w.get("a.weight"));
        QuantizedCache before = QuantizedCache.forCheckpoint(root, folder, "model");
        assertEquals(2, forms(before.dir()), "the form and its scales");
        // The same size, a new time: a checkpoint replaced by another of the same shapes.
        Files.setLastModifiedTime(folder.resolve("model.safetensors"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        QuantizedCache after = QuantizedCache.forCheckpoint(root, folder, "model");
        assertEquals(before.dir(), after.dir(), "one folder per model folder");
        assertEquals(0, forms(after.dir()), "nothing of the old checkpoint is kept");
        TensorData q = new Int8Weights(w, Int8Kernel.MATMUL_NBITS, after).quantized(w.get("a.weight"));
        assertFalse(fromFile(q));
        Files.write(folder.resolve("model.safetensors"), new byte[]{1, 2, 3, 4});   // another size
        assertEquals(0, forms(QuantizedCache.forCheckpoint(root, folder, "model").dir()));
    }

    @Test
    void aDamagedFileIsDroppedAndMadeAgain() throws Exception {
        Path folder = checkpoint("damaged"), root = cacheRoot("damaged");
        WeightSource w = weights();
        TensorData src = w.get("a.weight");
        TensorData want = new Int8Weights(w, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL).columns(src);
        QuantizedCache cache = QuantizedCache.forCheckpoint(root, folder, "model");
        new Int8Weights(w, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, cache).columns(src);
        try (Stream<Path> files = Files.list(cache.dir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".q")).toList()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                    long at = ch.size() - 7;
                    ch.read(one, at);
                    one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
                    ch.write(one, at);   // one bit of the data
                }
            }
        }
        TensorData again = new Int8Weights(w, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, QuantizedCache.forCheckpoint(root, folder, "model")).columns(src);
        assertEquals(want.bytes(), again.bytes(), "a damaged file is never used");
        assertFalse(fromFile(again));
        TensorData third = new Int8Weights(w, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, QuantizedCache.forCheckpoint(root, folder, "model")).columns(src);
        assertTrue(fromFile(third), "made again and kept");
        assertEquals(want.bytes(), third.bytes());
        // A truncated file too.
        try (Stream<Path> files = Files.list(cache.dir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".q")).toList())
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(ch.size() / 2);
                }
        }
        TensorData fourth = new Int8Weights(w, Int8Kernel.DYNAMIC_QUANTIZE_MATMUL, QuantizedCache.forCheckpoint(root, folder, "model")).columns(src);
        assertEquals(want.bytes(), fourth.bytes());
        assertFalse(fromFile(fourth));
    }

    @Test
    void anUnusableCacheFolderOnlyCostsTheQuantizing() throws Exception {
        Path folder = checkpoint("unusable"), root = cacheRoot("unusable");
        Files.createDirectories(root.getParent());
        Files.write(root, new byte[]{0});   // a file where the folder should be
        assertNull(QuantizedCache.forCheckpoint(root, folder, "model"));
        Files.delete(root);
        assertNull(QuantizedCache.forCheckpoint(root, checkpoint("no-weights").resolve("missing"), "model"));
        System.setProperty("aceforge.int8.cache", "false");
        try {
            assertNull(QuantizedCache.forCheckpoint(root, folder, "model"));
        } finally {
            System.clearProperty("aceforge.int8.cache");
        }
        QuantizedCache cache = QuantizedCache.forCheckpoint(root, folder, "model");
        assertNotNull(cache);
        // Temporary files of a process that ended mid-write: an old one goes, a fresh one (a writer now) stays.
        Path old = cache.dir().resolve("form1.part"), fresh = cache.dir().resolve("form2.part");
        Files.write(old, new byte[10]);
        Files.write(fresh, new byte[10]);
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        QuantizedCache.forCheckpoint(root, folder, "model");
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh));
    }

    /** A form read back from its file: mapped read-only (a quantized form is a writable direct buffer). */
    private static boolean fromFile(TensorData t) {
        return t.bytes().isReadOnly();
    }

    private static long forms(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".q")).count();
        }
    }

    private static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
