package org.aceforge.engine.runtime.os;

import org.aceforge.engine.runtime.MachineMemory;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the memory that closed models freed back to the system. ONNX Runtime's sessions and Java's direct buffers
 * allocate through the C library's malloc, and glibc keeps freed blocks in its heaps unless they sit at a heap's top:
 * measured in one process, the INT8 models closed (sessions closed, buffers collected) still left 6.5 GB resident,
 * which the fp32 models opened next came on top of (private peak 20.6 GB instead of 14.8). {@code malloc_trim} returns
 * the free pages of every heap (glibc only, through JNA: no library does this; elsewhere {@link #trim} does nothing).
 * Any thread but the host's audio thread. A trim takes each heap's lock in turn while it returns that heap's pages, and
 * in a plugin the heaps are the host's too, so it runs only when models are replaced or closed (a user's action) and
 * when a session opens on INT8 weights it has copied (runtime.LazySession: once per session opened), never per step.
 */
public final class NativeHeap {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);

    private NativeHeap() {}

    interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private static final LibC LIBC = load();

    private static LibC load() {
        try {
            LibC c = Native.load("c", LibC.class);
            c.malloc_trim(0);   // present (glibc): this also checks the symbol resolves
            return c;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;   // not glibc (musl, macOS, Windows): their allocators return memory on their own terms
        }
    }

    /** Whether trimming works here (glibc). */
    public static boolean available() {
        return LIBC != null;
    }

    /**
     * After models were closed: collects their Java direct buffers (the INT8 weights; freed by their cleaners once
     * collected, so after a short wait) and then trims. A full collection pauses Java's threads for a moment (~70 ms
     * measured with a small heap), so only when models are closed or replaced, never per render.
     */
    public static long collectAndTrim() {
        System.gc();
        try {
            Thread.sleep(100);   // the buffers' cleaners run on their own thread after the collection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return trim();
    }

    /** {@link #collectAndTrim} on a daemon thread of its own: for callers that must not wait (a host's, the UI's). */
    public static void collectAndTrimInBackground() {
        Thread t = new Thread(NativeHeap::collectAndTrim, "aceforge-memory-return");
        t.setDaemon(true);
        t.start();
    }

    /** Returns the free pages of the C heaps to the system; the bytes this process's private memory shrank by (0 where unknown). */
    public static long trim() {
        if (LIBC == null) return 0;
        Long before = MachineMemory.ownAnonymousBytes();
        try {
            LIBC.malloc_trim(0);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
        Long after = MachineMemory.ownAnonymousBytes();
        long freed = before == null || after == null ? 0 : Math.max(0, before - after);
        if (freed > 64L << 20) LOG.info("returned {} MB of freed native memory to the system", freed >> 20);
        return freed;
    }
}
