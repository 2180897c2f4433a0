package org.aceforge.engine.tensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** Writes tensors in the safetensors layout (header padded to 8 bytes, data in the order given). */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {}

    /**
     * A tensor whose bytes are made only when the file reaches it, so files larger than the heap (a full-size random
     * checkpoint for the benchmark) are written one tensor at a time.
     */
    public record Lazy(String name, DType dtype, long[] shape, java.util.function.Supplier<ByteBuffer> bytes) {
        long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    public static void write(Path path, Collection<TensorData> tensors) throws IOException {
        writeLazily(path, tensors.stream().map(t -> new Lazy(t.name(), t.dtype(), t.shape(), t::bytes)).toList());
    }

    public static void writeLazily(Path path, java.util.List<Lazy> tensors) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Lazy t : tensors) {
            ObjectNode n = header.putObject(t.name());
            n.put("dtype", t.dtype().safetensorsName);
            ArrayNode sh = n.putArray("shape");
            for (long d : t.shape()) sh.add(d);
            long len = t.elementCount() * t.dtype().byteSize;
            n.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = om.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] hdr = new byte[padded];
        java.util.Arrays.fill(hdr, (byte) ' ');
        System.arraycopy(json, 0, hdr, 0, json.length);
        Path tmp = path.resolveSibling(path.getFileName() + ".part");
        try (OutputStream os = Files.newOutputStream(tmp); WritableByteChannel ch = Channels.newChannel(os)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            ch.write(len);
            ch.write(ByteBuffer.wrap(hdr));
            for (Lazy t : tensors) {
                ByteBuffer b = t.bytes().get().duplicate().rewind();
                while (b.hasRemaining()) ch.write(b);
            }
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
