package org.aceforge.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory HostPort: a capture ring with block records, clip slots, transport and parameters. */
final class FakePort implements HostPort {
    final int capacity;
    final float[] ring;
    long total;
    final List<long[]> blocks = new ArrayList<>();
    final Map<Integer, float[]> clips = new HashMap<>();
    final Map<Integer, Long> clipStarts = new HashMap<>();
    final double[] params = {1.0, 60.0 / 72, 0.0};
    /** When set, clipSet waits for it (shows which thread places clips). */
    volatile java.util.concurrent.CountDownLatch gate;
    final java.util.concurrent.atomic.AtomicInteger clipSets = new java.util.concurrent.atomic.AtomicInteger();
    double[] transport = {48000, 120, 4, 4, 0, 0, 0, 64};

    FakePort(int capacity) {
        this.capacity = capacity;
        this.ring = new float[capacity * 2];
    }

    /** What the real-time path does for one block. */
    void captureBlock(float[] interleaved, long timeline, boolean playing) {
        int n = interleaved.length / 2;
        for (int i = 0; i < n; i++) {
            int r = (int) ((total + i) % capacity);
            ring[2 * r] = interleaved[2 * i];
            ring[2 * r + 1] = interleaved[2 * i + 1];
        }
        blocks.add(new long[]{total, timeline, n, playing ? 1 : 0});
        total += n;
    }

    public long captureTotal() { return total; }
    public int captureCapacity() { return capacity; }

    public int captureRead(long from, float[] dst, int frames) {
        long oldest = Math.max(0, total - capacity);
        if (from < oldest || from >= total) return 0;
        int n = (int) Math.min(frames, total - from);
        for (int i = 0; i < n; i++) {
            int r = (int) ((from + i) % capacity);
            dst[2 * i] = ring[2 * r];
            dst[2 * i + 1] = ring[2 * r + 1];
        }
        return n;
    }

    public long blockSequence() { return blocks.size(); }

    public int captureBlocks(long fromSeq, long[] dst, int max) {
        int n = 0;
        for (long s = Math.max(0, fromSeq); s < blocks.size() && n < max; s++, n++)
            System.arraycopy(blocks.get((int) s), 0, dst, 4 * n, 4);
        return n;
    }

    public synchronized int clipSet(int slot, float[] data, long frames, long start, float gain) {
        java.util.concurrent.CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clipSets.incrementAndGet();
        clips.put(slot, java.util.Arrays.copyOf(data, (int) (2 * frames)));
        clipStarts.put(slot, start);
        return 0;
    }

    public synchronized int clipClear(int slot) {
        clips.remove(slot);
        clipStarts.remove(slot);
        return 0;
    }

    public double[] transport() { return transport.clone(); }
    public double parameter(int id) { return params[id]; }
    public void editParameter(int id, double v) { params[id] = v; }
}
