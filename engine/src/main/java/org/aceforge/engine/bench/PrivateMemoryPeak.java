package org.aceforge.engine.bench;

import org.aceforge.engine.runtime.MachineMemory;

/**
 * The highest private (anonymous) resident memory of this process while it is open, sampled every 100 ms. The
 * kernel's high-water mark (VmHWM) also counts the checkpoints' memory-mapped pages, which the system can drop and
 * read again, so it says little about what a render needs: for the full-size int8 song it is ~22 GB, of which ~11 GB
 * is private. Linux only (elsewhere it reports 0). Created and closed by the bench's thread.
 */
final class PrivateMemoryPeak implements AutoCloseable {
    private final Thread sampler;
    private volatile long peak;
    private volatile boolean open = true;

    PrivateMemoryPeak() {
        sample();
        sampler = new Thread(() -> {
            while (open) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "aceforge-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        Long now = MachineMemory.ownAnonymousBytes();
        if (now != null && now > peak) peak = now;
    }

    /** The peak so far in MB (0 where the figure cannot be read). */
    long peakMb() {
        return peak >> 20;
    }

    @Override
    public void close() {
        open = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
