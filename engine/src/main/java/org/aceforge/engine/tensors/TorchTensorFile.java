package org.aceforge.engine.tensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A PyTorch {@code torch.save} archive holding one tensor (how {@code silence_latent.pt} is stored): a zip with
 * {@code NAME/data.pkl} (a pickle that rebuilds the tensor from a storage) and {@code NAME/data/0} (raw storage).
 * Only the pickle opcodes torch emits for a plain tensor are understood; anything else is a clear error.
 */
public final class TorchTensorFile {
    private TorchTensorFile() {}

    public static TensorData read(Path path) throws IOException {
        byte[] pickle = null;
        Map<String, byte[]> storages = new HashMap<>();
        // ZipFile reads the central directory: torch writes stored entries with data descriptors, which the
        // streaming reader rejects.
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (n.endsWith("/data.pkl")) pickle = zip.getInputStream(e).readAllBytes();
                else if (n.matches(".*/data/[^/]+")) storages.put(n.substring(n.lastIndexOf('/') + 1), zip.getInputStream(e).readAllBytes());
            }
        } catch (java.util.zip.ZipException z) {
            throw new IOException(path + ": not a PyTorch zip archive (" + z.getMessage() + ")");
        }
        if (pickle == null) throw new IOException(path + ": no data.pkl inside (is it a torch.save file?)");
        Rebuild r = new PickleReader(pickle, path).run();
        byte[] raw = storages.get(r.storageKey);
        if (raw == null) throw new IOException(path + ": storage " + r.storageKey + " missing");
        DType dt = switch (r.storageType) {
            case "FloatStorage" -> DType.F32;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "DoubleStorage" -> DType.F64;
            case "LongStorage" -> DType.I64;
            default -> throw new IOException(path + ": unsupported storage " + r.storageType);
        };
        long count = 1;
        for (long s : r.size) count *= s;
        // Contiguous (row-major) strides are the only layout written by torch.save for these files.
        long expect = 1;
        for (int i = r.size.length - 1; i >= 0; i--) {
            if (r.size[i] > 1 && r.stride[i] != expect) throw new IOException(path + ": non-contiguous tensor");
            expect *= r.size[i];
        }
        long off = r.offset * dt.byteSize;
        if (off + count * dt.byteSize > raw.length) throw new IOException(path + ": storage too short");
        ByteBuffer b = ByteBuffer.allocateDirect((int) (count * dt.byteSize)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(raw, (int) off, (int) (count * dt.byteSize)).flip();
        return new TensorData(path.getFileName().toString(), dt, r.size, b);
    }

    /** Writes a float32 tensor the way torch.save does (archive name = file stem). */
    public static void write(Path path, float[] data, long... shape) throws IOException {
        String stem = path.getFileName().toString().replaceFirst("\\.pt$", "");
        ByteArrayOutputStream pk = new ByteArrayOutputStream();
        pk.write(new byte[]{(byte) 0x80, 2});
        global(pk, "torch._utils", "_rebuild_tensor_v2");
        pk.write('(');
        pk.write('(');
        unicode(pk, "storage");
        global(pk, "torch", "FloatStorage");
        unicode(pk, "0");
        unicode(pk, "cpu");
        integer(pk, data.length);
        pk.write('t');
        pk.write('Q');
        integer(pk, 0);
        pk.write('(');
        for (long s : shape) integer(pk, s);
        pk.write('t');
        pk.write('(');
        long st = 1;
        long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) { strides[i] = st; st *= shape[i]; }
        for (long s : strides) integer(pk, s);
        pk.write('t');
        pk.write(0x89);
        global(pk, "collections", "OrderedDict");
        pk.write(')');
        pk.write('R');
        pk.write('t');
        pk.write('R');
        pk.write('.');
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        Path tmp = path.resolveSibling(path.getFileName() + ".part");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(os)) {
            stored(z, stem + "/data.pkl", pk.toByteArray());
            stored(z, stem + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            stored(z, stem + "/data/0", raw.array());
            stored(z, stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void stored(ZipOutputStream z, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        e.setTime(315532800000L);
        z.putNextEntry(e);
        z.write(bytes);
        z.closeEntry();
    }

    private static void global(ByteArrayOutputStream o, String module, String name) {
        o.write('c');
        o.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static void integer(ByteArrayOutputStream o, long v) {
        o.write('J');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.toIntExact(v)).array());
    }

    private record Rebuild(String storageType, String storageKey, long offset, long[] size, long[] stride) {}

    private record Global(String module, String name) {}

    private record Reduced(Global fn, List<Object> args) {}

    /** A tiny pickle machine for the opcodes torch.save uses for one tensor. */
    private static final class PickleReader {
        private static final Object MARK = new Object();
        private final ByteBuffer b;
        private final Path path;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Map<Integer, Object> memo = new HashMap<>();

        PickleReader(byte[] bytes, Path path) {
            this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.path = path;
        }

        Rebuild run() throws IOException {
            try {
                while (true) {
                    int op = b.get() & 0xff;
                    switch (op) {
                        case 0x80 -> b.get();
                        case 'c' -> stack.push(new Global(line(), line()));
                        case 'q' -> memo.put(b.get() & 0xff, stack.peek());
                        case 'r' -> memo.put(b.getInt(), stack.peek());
                        case 'h' -> stack.push(memo.get(b.get() & 0xff));
                        case 'j' -> stack.push(memo.get(b.getInt()));
                        case '(' -> stack.push(MARK);
                        case 't' -> stack.push(popMark());
                        case ')' -> stack.push(List.of());
                        case 0x85 -> stack.push(List.of(stack.pop()));
                        case 0x86 -> { Object y = stack.pop(), x = stack.pop(); stack.push(List.of(x, y)); }
                        case 0x87 -> { Object z = stack.pop(), y = stack.pop(), x = stack.pop(); stack.push(List.of(x, y, z)); }
                        case 'X' -> { byte[] s = new byte[b.getInt()]; b.get(s); stack.push(new String(s, StandardCharsets.UTF_8)); }
                        case 0x8c -> { byte[] s = new byte[b.get() & 0xff]; b.get(s); stack.push(new String(s, StandardCharsets.UTF_8)); }
                        case 'K' -> stack.push((long) (b.get() & 0xff));
                        case 'M' -> stack.push((long) (b.getShort() & 0xffff));
                        case 'J' -> stack.push((long) b.getInt());
                        case 0x8a -> { int n = b.get() & 0xff; long v = 0; for (int i = 0; i < n; i++) v |= (long) (b.get() & 0xff) << (8 * i); stack.push(v); }
                        case 0x88 -> stack.push(Boolean.TRUE);
                        case 0x89 -> stack.push(Boolean.FALSE);
                        case 'N' -> stack.push(List.of());
                        case '}' -> stack.push(new HashMap<>());
                        case ']' -> stack.push(new ArrayList<>());
                        case 'u', 'e' -> popMark();
                        case 'Q' -> stack.push(new Persistent((List<?>) stack.pop()));
                        case 'R' -> { Object args = stack.pop(); Global fn = (Global) stack.pop(); stack.push(new Reduced(fn, asList(args))); }
                        case '.' -> { return toRebuild(stack.pop()); }
                        default -> throw new IOException(path + ": unsupported pickle opcode 0x" + Integer.toHexString(op));
                    }
                }
            } catch (RuntimeException e) {
                throw new IOException(path + ": unreadable tensor pickle (" + e + ")");
            }
        }

        private record Persistent(List<?> id) {}

        @SuppressWarnings("unchecked")
        private static List<Object> asList(Object o) {
            return (List<Object>) o;
        }

        private Rebuild toRebuild(Object top) throws IOException {
            if (!(top instanceof Reduced r) || !r.fn.name().startsWith("_rebuild_tensor"))
                throw new IOException(path + ": the archive does not hold a single tensor");
            Persistent p = (Persistent) r.args.get(0);
            Global storage = (Global) p.id.get(1);
            return new Rebuild(storage.name(), String.valueOf(p.id.get(2)), (Long) r.args.get(1),
                    longs(r.args.get(2)), longs(r.args.get(3)));
        }

        private static long[] longs(Object o) {
            return ((List<?>) o).stream().mapToLong(x -> (Long) x).toArray();
        }

        private List<Object> popMark() {
            List<Object> items = new ArrayList<>();
            while (stack.peek() != MARK) items.add(0, stack.pop());
            stack.pop();
            return items;
        }

        private String line() {
            StringBuilder sb = new StringBuilder();
            byte c;
            while ((c = b.get()) != '\n') sb.append((char) c);
            return sb.toString();
        }
    }

}
