package org.aceforge.engine.tensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw data. Tensors are handed out as slices of the mapping, never copied.
 */
public final class SafeTensors implements WeightSource {
    private static final long MAX_HEADER = 100L << 20;
    private final Path path;
    private final Map<String, TensorData> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Map<String, TensorData> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensors open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(path + ": not a safetensors file (only " + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size)
                throw new IOException(path + ": not a safetensors file (header length " + headerLen + ")");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header = new ObjectMapper().readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            // Map the whole data area once; files above 2 GiB are mapped in windows per tensor.
            Map<String, TensorData> out = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            MappedByteBuffer whole = size - dataStart <= Integer.MAX_VALUE
                    ? ch.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart) : null;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode t = e.getValue();
                DType dt = DType.fromSafetensors(t.get("dtype").asText());
                JsonNode sh = t.get("shape");
                long[] shape = new long[sh.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) { shape[i] = sh.get(i).asLong(); count *= shape[i]; }
                long begin = t.get("data_offsets").get(0).asLong();
                long end = t.get("data_offsets").get(1).asLong();
                if (begin < 0 || end < begin || dataStart + end > size || end - begin != count * dt.byteSize)
                    throw new IOException(path + ": tensor " + e.getKey() + " has a bad byte range");
                ByteBuffer slice;
                if (whole != null) {
                    slice = whole.slice((int) begin, (int) (end - begin));
                } else {
                    slice = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
                }
                slice.order(ByteOrder.LITTLE_ENDIAN);
                out.put(e.getKey(), new TensorData(e.getKey(), dt, shape, slice));
            }
            return new SafeTensors(path, Collections.unmodifiableMap(out), meta);
        }
    }

    public Path path() { return path; }

    public Map<String, String> metadata() { return metadata; }

    @Override
    public Map<String, TensorData> tensors() { return tensors; }
}
