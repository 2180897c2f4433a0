package org.aceforge.bridge.vst3;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.aceforge.bridge.HostPort;

/**
 * The shim's function table (af_shim_api in native/src/af_bridge.h) called through JNA, bound to one plugin instance
 * as a {@link HostPort}. Java threads only.
 */
final class ShimApi {
    static final int VERSION = 2;
    private final Function captureTotal, captureCapacity, captureRead, captureBlocks, blockSeq, clipSet, clipClear,
            transport, paramGet, paramEdit, streamWrite, log;

    ShimApi(Pointer table) {
        int version = table.getInt(0);
        if (version != VERSION) throw new IllegalStateException("native shim API version " + version + ", expected " + VERSION);
        captureTotal = fn(table, 0);
        captureCapacity = fn(table, 1);
        captureRead = fn(table, 2);
        captureBlocks = fn(table, 3);
        blockSeq = fn(table, 4);
        clipSet = fn(table, 5);
        clipClear = fn(table, 6);
        transport = fn(table, 7);
        paramGet = fn(table, 8);
        paramEdit = fn(table, 9);
        streamWrite = fn(table, 10);
        log = fn(table, 11);
    }

    private static Function fn(Pointer table, int index) {
        return Function.getFunction(table.getPointer(8 + 8L * index));
    }

    void streamWrite(long stream, byte[] data) {
        Memory m = new Memory(Math.max(1, data.length));
        m.write(0, data, 0, data.length);
        streamWrite.invokeVoid(new Object[]{stream, m, data.length});
    }

    void log(String message) {
        log.invokeVoid(new Object[]{message});
    }

    HostPort port(long instance) {
        return new HostPort() {
            public long captureTotal() { return captureTotal.invokeLong(new Object[]{instance}); }

            public int captureCapacity() { return captureCapacity.invokeInt(new Object[]{instance}); }

            public int captureRead(long from, float[] dst, int frames) {
                if (frames <= 0) return 0;
                Memory m = new Memory(8L * frames);
                int n = captureRead.invokeInt(new Object[]{instance, from, m, frames});
                m.read(0, dst, 0, n * 2);
                return n;
            }

            public long blockSequence() { return blockSeq.invokeLong(new Object[]{instance}); }

            public int captureBlocks(long fromSeq, long[] dst, int max) {
                if (max <= 0) return 0;
                Memory m = new Memory(32L * max);
                int n = captureBlocks.invokeInt(new Object[]{instance, fromSeq, m, max});
                m.read(0, dst, 0, n * 4);
                return n;
            }

            public int clipSet(int slot, float[] data, long frames, long start, float gain) {
                Memory m = new Memory(8L * frames);
                m.write(0, data, 0, (int) (2 * frames));
                return clipSet.invokeInt(new Object[]{instance, slot, m, frames, start, gain});
            }

            public int clipClear(int slot) { return clipClear.invokeInt(new Object[]{instance, slot}); }

            public double[] transport() {
                Memory m = new Memory(8L * 8);
                transport.invokeVoid(new Object[]{instance, m});
                return m.getDoubleArray(0, 8);
            }

            public double parameter(int id) { return paramGet.invokeDouble(new Object[]{instance, id}); }

            public void editParameter(int id, double v) { paramEdit.invokeVoid(new Object[]{instance, id, v}); }
        };
    }
}
