package org.aceforge.engine.runtime.os;

import org.aceforge.engine.runtime.MachineMemory;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Freed native memory goes back to the system when asked (glibc's heaps keep it otherwise). */
class NativeHeapTest {
    @Test
    void freedBlocksInsideTheHeapGoBackToTheSystem() {
        assumeTrue(NativeHeap.available() && MachineMemory.ownAnonymousBytes() != null, "glibc and /proc only");
        // Pairs of 64 KB blocks with every other one freed: the heap cannot shrink from its top, so the freed half
        // (~190 MB) stays resident until it is trimmed, as the blocks of closed models did.
        List<Memory> kept = new ArrayList<>(), freed = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Memory a = new Memory(64 << 10), b = new Memory(64 << 10);
            a.clear();   // written, so resident
            b.clear();
            freed.add(a);
            kept.add(b);
        }
        try {
            freed.forEach(Memory::close);
            long before = MachineMemory.ownAnonymousBytes();
            long returned = NativeHeap.trim();
            long after = MachineMemory.ownAnonymousBytes();
            assertTrue(before - after > 100L << 20, "private memory " + (before >> 20) + " MB → " + (after >> 20) + " MB");
            assertTrue(returned > 100L << 20, "trim says what it returned: " + (returned >> 20) + " MB");
        } finally {
            kept.forEach(Memory::close);
        }
    }
}
