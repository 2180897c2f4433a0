package org.aceforge.bridge;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A destroyed instance is never reached: dispose waits for a call in flight into the shim and refuses every later
 * one (the two-copies host test had shown a restore thread clearing clips of an instance already freed).
 */
class ClosablePortTest {
    @Test
    void disposeWaitsForACallInFlightAndRefusesLaterOnes() throws Exception {
        FakePort shim = new FakePort(48000);
        ClosablePort port = new ClosablePort(shim);
        CountDownLatch gate = new CountDownLatch(1);
        shim.gate = gate;
        Thread restore = new Thread(() -> port.clipSet(0, new float[8], 4, 0, 1f), "restore");
        restore.start();
        while (shim.gate != null && restore.getState() != Thread.State.WAITING) Thread.onSpinWait();
        Thread host = new Thread(port::close, "host");
        host.start();
        host.join(300);
        assertTrue(host.isAlive(), "close waits while a call is in the shim");
        gate.countDown();
        host.join(5000);
        assertFalse(host.isAlive(), "close returns once the call is done");
        assertEquals(1, shim.clipSets.get());
        shim.gate = null;
        assertEquals(-1, port.clipSet(1, new float[8], 4, 0, 1f), "refused after close");
        assertEquals(-1, port.clipClear(0));
        assertEquals(0, port.captureRead(0, new float[8], 4));
        assertEquals(1, shim.clipSets.get(), "nothing reached the shim after close");
        restore.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Test
    void aDisposedCoreNoLongerTouchesTheShim() throws Exception {
        FakePort shim = new FakePort(48000);
        PluginCore core = new PluginCore(shim);
        core.dispose();
        int before = shim.clipSets.get();
        assertEquals(-1, core.placeTestClip(0.5f, 16, 0));
        assertEquals(before, shim.clipSets.get());
    }
}
