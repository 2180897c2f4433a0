package org.aceforge.engine.runtime;

import org.aceforge.engine.graph.DerivedStore;
import org.aceforge.engine.graph.Int8Weights;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The INT8 (and 4-bit) forms of one checkpoint's weights, kept on disk between processes
 * ({@code <cache>/quantized/<folder hash>/}), so that a model opened again reads its forms instead of quantizing them:
 * the full DiT's 1.4 GB took ~10 s of a first render to quantize on 2 cores.
 *
 * <p>A folder's files are valid for one checkpoint: its {@code identity} (every weight file's name, size and
 * modification time, and {@link Int8Weights#QUANTIZER_VERSION}) is written beside them, and a different identity
 * empties the folder first (so each model folder holds one set, whatever is swapped in). Each file carries its
 * tensor's name, type and shape, the source's type and shape, and a CRC-32C of its data, checked on every read:
 * anything that does not match is deleted and made again. Writes go to a temporary file moved into place, so a
 * reader never sees half a file; a failed write (full or read-only disk) is logged once and the render goes on.
 * {@code -Daceforge.int8.cache=false} turns it off.
 */
public final class QuantizedCache implements DerivedStore {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizedCache.class);
    private static final byte[] MAGIC = "AFQ1".getBytes(StandardCharsets.US_ASCII);
    /** Space left free on the disk after a write: the cache never fills it. */
    private static final long KEEP_FREE = 2L << 30;
    private final Path dir;
    private volatile boolean writable = true;

    QuantizedCache(Path dir, String identity) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Path id = dir.resolve("identity.txt");
        String had = Files.isRegularFile(id) ? Files.readString(id) : null;
        if (!identity.equals(had)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) Files.deleteIfExists(f);
            }
            Path tmp = Files.createTempFile(dir, "identity", ".part");
            Files.writeString(tmp, identity);
            Files.move(tmp, id, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        // A process that ended while writing leaves its temporary file; one an hour old is nobody's any more.
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "*.part")) {
            for (Path f : parts) if (Files.getLastModifiedTime(f).toMillis() < hourAgo) Files.deleteIfExists(f);
        }
    }

    /**
     * The store for the checkpoint {@code stem}*.safetensors in {@code folder}, under AceForge's cache folder; null
     * when turned off or when the cache folder cannot be used (the weights are then quantized at every open).
     */
    public static QuantizedCache forCheckpoint(Path folder, String stem) {
        return forCheckpoint(GraphCache.cacheRoot().resolve("quantized"), folder, stem);
    }

    static QuantizedCache forCheckpoint(Path root, Path folder, String stem) {
        if ("false".equals(System.getProperty("aceforge.int8.cache"))) return null;
        try {
            Path abs = folder.toAbsolutePath().normalize();
            StringBuilder identity = new StringBuilder("quantizer " + Int8Weights.QUANTIZER_VERSION + "\nfolder " + abs + "\n");
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs, stem + "*.safetensors")) {
                ds.forEach(files::add);
            }
            if (files.isEmpty()) return null;
            files.sort(null);
            for (Path f : files)
                identity.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            return new QuantizedCache(root.resolve(hash(abs + "\n" + stem)), identity.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("no cache of quantized weights for {} ({}); they are quantized at every open", folder, e.toString());
            return null;
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public TensorData load(String name, TensorData source) {
        Path f = fileOf(name, source);
        if (!Files.isRegularFile(f)) return null;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            MappedByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            all.order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            all.get(magic);
            String header = readString(all);
            long length = all.getLong();
            int crc = all.getInt();
            int start = all.position();
            String want = header(name, null, source);
            if (!java.util.Arrays.equals(magic, MAGIC) || !header.startsWith(want) || start + length != ch.size())
                return dropped(f, "does not match");
            ByteBuffer data = all.slice(start, (int) length).order(ByteOrder.LITTLE_ENDIAN);
            CRC32C c = new CRC32C();
            c.update(data.duplicate());
            if ((int) c.getValue() != crc) return dropped(f, "fails its checksum");
            String[] parts = header.substring(want.length()).trim().split(" ");
            DType type = DType.valueOf(parts[0]);
            long[] shape = new long[parts.length - 1];
            for (int i = 1; i < parts.length; i++) shape[i - 1] = Long.parseLong(parts[i]);
            long elements = 1;
            for (long d : shape) elements *= d;
            if (elements * type.byteSize != length) return dropped(f, "has the wrong size");
            return new TensorData(name, type, shape, data);
        } catch (IOException | RuntimeException e) {
            return dropped(f, "is unreadable (" + e + ")");
        }
    }

    @Override
    public void save(TensorData derived, TensorData source) {
        if (!writable || derived == null) return;
        Path f = fileOf(derived.name(), source);
        Path tmp = null;
        try {
            ByteBuffer data = derived.bytes().duplicate().clear();
            if (Files.getFileStore(dir).getUsableSpace() < data.remaining() + KEEP_FREE) {
                LOG.info("not keeping quantized weights in {}: the disk has less than 2 GB to spare", dir);
                writable = false;
                return;
            }
            CRC32C c = new CRC32C();
            c.update(data.duplicate());
            byte[] header = header(derived.name(), derived, source).getBytes(StandardCharsets.UTF_8);
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + header.length + 12).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(header.length).put(header).putLong(data.remaining()).putInt((int) c.getValue()).flip();
            tmp = Files.createTempFile(dir, "form", ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                while (head.hasRemaining()) ch.write(head);
                while (data.hasRemaining()) ch.write(data);
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            writable = false;
            LOG.warn("could not keep quantized weights in {} ({}); they will be quantized again next time", dir, e.toString());
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray .part file is harmless: never read, replaced with the folder's next identity
            }
        }
    }

    /** What a file holds: its tensor's name, the source it was made from, then its own type and shape. */
    private static String header(String name, TensorData derived, TensorData source) {
        String s = name + "\nfrom " + source.dtype() + " " + source.shapeString() + "\n";
        if (derived == null) return s;
        StringBuilder b = new StringBuilder(s).append(derived.dtype());
        for (long d : derived.shape()) b.append(' ').append(d);
        return b.toString();
    }

    private static String readString(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > 1 << 16) throw new IllegalArgumentException("header of " + n + " bytes");
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private TensorData dropped(Path f, String why) {
        LOG.warn("stored quantized weights {} {}; quantizing again", f.getFileName(), why);
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // replaced by the next save
        }
        return null;
    }

    private Path fileOf(String name, TensorData source) {
        return dir.resolve(hash(name + "\n" + source.dtype() + " " + source.shapeString()) + ".q");
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
