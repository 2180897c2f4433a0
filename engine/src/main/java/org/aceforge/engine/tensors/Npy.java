package org.aceforge.engine.tensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy files (format 1.0/2.0, C order, little-endian), used for fixtures, probes and dumps. */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static TensorData read(Path path) throws IOException {
        byte[] all = Files.readAllBytes(path);
        String name = path.getFileName().toString();
        if (all.length < 10 || all[0] != (byte) 0x93 || all[1] != 'N' || all[2] != 'U' || all[3] != 'M' || all[4] != 'P' || all[5] != 'Y')
            throw new IOException(path + ": not a .npy file");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int major = all[6];
        int headerLen, headerStart;
        if (major == 1) { headerLen = b.getShort(8) & 0xffff; headerStart = 10; }
        else { headerLen = b.getInt(8); headerStart = 12; }
        String header = new String(all, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(path + ": unreadable .npy header");
        boolean fortran = f.group(1).equals("True");
        String descr = d.group(1);
        DType dt = switch (descr) {
            case "<f4" -> DType.F32;
            case "<f8" -> DType.F64;
            case "<f2" -> DType.F16;
            case "<i8" -> DType.I64;
            case "<i4" -> DType.I32;
            case "|i1" -> DType.I8;
            case "|u1" -> DType.U8;
            case "|b1" -> DType.BOOL;
            default -> throw new IOException(path + ": unsupported dtype " + descr);
        };
        String[] parts = s.group(1).split(",");
        long[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = 1;
        for (long x : shape) count *= x;
        int dataStart = headerStart + headerLen;
        if (all.length - dataStart < count * dt.byteSize) throw new IOException(path + ": truncated .npy data");
        ByteBuffer data = ByteBuffer.allocateDirect((int) (count * dt.byteSize)).order(ByteOrder.LITTLE_ENDIAN);
        data.put(all, dataStart, (int) (count * dt.byteSize)).flip();
        if (fortran && shape.length > 1) data = toCOrder(data, shape, dt.byteSize);
        String tensorName = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return new TensorData(tensorName, dt, shape, data);
    }

    /** Re-lays a column-major array in row-major order. */
    private static ByteBuffer toCOrder(ByteBuffer src, long[] shape, int elem) {
        int n = shape.length;
        long count = 1;
        for (long d : shape) count *= d;
        long[] fStride = new long[n];
        long acc = 1;
        for (int k = 0; k < n; k++) { fStride[k] = acc; acc *= shape[k]; }
        ByteBuffer dst = ByteBuffer.allocateDirect(src.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[n];
        byte[] tmp = new byte[elem];
        for (long c = 0; c < count; c++) {
            long f = 0;
            for (int k = 0; k < n; k++) f += idx[k] * fStride[k];
            src.get((int) (f * elem), tmp);
            dst.put((int) (c * elem), tmp);
            for (int k = n - 1; k >= 0; k--) { if (++idx[k] < shape[k]) break; idx[k] = 0; }
        }
        return dst;
    }

    public static void writeFloats(Path path, float[] data, long... shape) throws IOException {
        write(path, TensorData.ofFloats(path.getFileName().toString(), data, shape));
    }

    public static void write(Path path, TensorData t) throws IOException {
        String descr = switch (t.dtype()) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case F16 -> "<f2";
            case I64 -> "<i8";
            case I32 -> "<i4";
            case I8 -> "|i1";
            case U8 -> "|u1";
            case BOOL -> "|b1";
            case BF16 -> throw new IOException("bf16 has no .npy type; convert to f32 first");
        };
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < t.shape().length; i++) sh.append(t.shape()[i]).append(t.shape().length == 1 ? "," : (i + 1 < t.shape().length ? ", " : ""));
        String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + sh + "), }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        Path tmp = path.resolveSibling(path.getFileName() + ".part");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            os.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            os.write(h.length() & 0xff);
            os.write((h.length() >> 8) & 0xff);
            os.write(h.getBytes(StandardCharsets.ISO_8859_1));
            ByteBuffer b = t.bytes().duplicate().rewind();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            os.write(bytes);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
