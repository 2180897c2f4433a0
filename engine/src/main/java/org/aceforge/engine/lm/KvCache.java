package org.aceforge.engine.lm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.nets.CausalLmGraph;
import org.aceforge.engine.runtime.NetSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of B sequences for every layer, in native buffers allocated once per generation
 * ([B, kvHeads, capacity, headDim] each). The same tensor is passed as {@code past_*} and pinned as
 * {@code present_*}, so ONNX Runtime appends in place. Each sequence also has a [1, …] view over its own slice, used
 * to prefill prompts of different lengths one at a time. One worker thread at a time.
 */
public final class KvCache implements AutoCloseable {
    private final int batch, capacity, layers;
    private final List<OnnxTensor> keys = new ArrayList<>(), values = new ArrayList<>();
    private final List<List<OnnxTensor>> itemKeys = new ArrayList<>(), itemValues = new ArrayList<>();
    private final int[] lengths;
    private final List<FloatBuffer> buffers = new ArrayList<>();
    private final long perItem;

    public KvCache(Qwen3Config c, int batch, int capacity) throws OrtException {
        if (capacity > CausalLmGraph.MAX_POSITIONS)
            throw new IllegalArgumentException("LM sequence of " + capacity + " tokens is longer than the "
                    + CausalLmGraph.MAX_POSITIONS + " supported");
        this.batch = batch;
        this.capacity = capacity;
        this.layers = c.numHiddenLayers();
        this.lengths = new int[batch];
        this.perItem = (long) c.numKeyValueHeads() * capacity * c.headDim();
        for (int b = 0; b < batch; b++) {
            itemKeys.add(new ArrayList<>());
            itemValues.add(new ArrayList<>());
        }
        try {
            for (int l = 0; l < layers; l++) {
                allocate(c, perItem, keys, itemKeys);
                allocate(c, perItem, values, itemValues);
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void allocate(Qwen3Config c, long perItem, List<OnnxTensor> whole, List<List<OnnxTensor>> views) throws OrtException {
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(perItem * batch * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer all = bytes.asFloatBuffer();
        buffers.add(all);
        whole.add(NetSession.wrapDirect(all, batch, c.numKeyValueHeads(), capacity, c.headDim()));
        for (int b = 0; b < batch; b++) {
            FloatBuffer slice = all.slice((int) (b * perItem), (int) perItem);
            views.get(b).add(NetSession.wrapDirect(slice, 1, c.numKeyValueHeads(), capacity, c.headDim()));
        }
    }

    public int batch() { return batch; }
    public int capacity() { return capacity; }
    public int layers() { return layers; }

    /** Tokens held for sequence b. */
    public int length(int b) { return lengths[b]; }

    void setLength(int b, int length) {
        if (length > capacity) throw new IllegalStateException("LM cache full (" + capacity + " tokens)");
        lengths[b] = length;
    }

    /** Makes sequence {@code to} a copy of sequence {@code from} (same prompt prefilled once). */
    public void copySequence(int from, int to) {
        for (FloatBuffer b : buffers)
            b.put((int) (to * perItem), b, (int) (from * perItem), (int) perItem);
        lengths[to] = lengths[from];
    }

    OnnxTensor key(int layer) { return keys.get(layer); }
    OnnxTensor value(int layer) { return values.get(layer); }
    OnnxTensor itemKey(int b, int layer) { return itemKeys.get(b).get(layer); }
    OnnxTensor itemValue(int b, int layer) { return itemValues.get(b).get(layer); }

    @Override
    public void close() {
        keys.forEach(OnnxTensor::close);
        values.forEach(OnnxTensor::close);
        itemKeys.forEach(l -> l.forEach(OnnxTensor::close));
        itemValues.forEach(l -> l.forEach(OnnxTensor::close));
        keys.clear();
        values.clear();
        itemKeys.clear();
        itemValues.clear();
    }
}
