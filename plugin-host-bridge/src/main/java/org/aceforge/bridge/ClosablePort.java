package org.aceforge.bridge;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link HostPort} that stops reaching the shim once the instance is being destroyed. Every call holds a read lock
 * for its duration; {@link #close()} takes the write lock, so when it returns no call is in flight and none will start:
 * the shim may free the instance. Needed because restores and editor actions run on Java threads of their own, which
 * had reached a destroyed instance (a use-after-free found by the two-copies host test). After close, reads answer
 * "nothing" (0, empty) and writes are refused (-1). Any Java thread.
 */
final class ClosablePort implements HostPort {
    private final HostPort shim;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    ClosablePort(HostPort shim) {
        this.shim = shim;
    }

    /**
     * Refuses every later call, then waits (up to 5 s) for calls in flight. The bound keeps a host that destroys the
     * instance while holding a lock a call in flight needs (a parameter edit calls back into the host) from hanging.
     */
    void close() {
        closed = true;
        try {
            if (lock.writeLock().tryLock(5, java.util.concurrent.TimeUnit.SECONDS)) lock.writeLock().unlock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Call<T> { T run(); }

    private <T> T guarded(T whenClosed, Call<T> call) {
        lock.readLock().lock();
        try {
            return closed ? whenClosed : call.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override public long captureTotal() { return guarded(0L, shim::captureTotal); }
    @Override public int captureCapacity() { return guarded(0, shim::captureCapacity); }
    @Override public int captureRead(long from, float[] dst, int frames) { return guarded(0, () -> shim.captureRead(from, dst, frames)); }
    @Override public long blockSequence() { return guarded(0L, shim::blockSequence); }
    @Override public int captureBlocks(long fromSeq, long[] dst, int max) { return guarded(0, () -> shim.captureBlocks(fromSeq, dst, max)); }
    @Override public int clipSet(int slot, float[] interleaved, long frames, long start, float gain) {
        return guarded(-1, () -> shim.clipSet(slot, interleaved, frames, start, gain));
    }
    @Override public int clipClear(int slot) { return guarded(-1, () -> shim.clipClear(slot)); }
    @Override public double[] transport() { return guarded(new double[8], shim::transport); }
    @Override public double parameter(int id) { return guarded(0.0, () -> shim.parameter(id)); }
    @Override public void editParameter(int id, double normalized) { guarded(null, () -> { shim.editParameter(id, normalized); return null; }); }
}
