package org.aceforge.bridge.vst3;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.aceforge.bridge.PluginCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java end of the VST3 shim. Each loaded copy of the shim calls {@link #bootstrap} once through JNI with its
 * function table and receives a Java table bound to that table (a {@link JavaApi}): an instance created by one copy
 * is only ever served through that copy's functions. From then on every call is a JNA callback on a host non-audio
 * thread or one of the shim's own threads. Every callback catches everything: a failure becomes an error code and a
 * log line, never an exception into the host.
 */
public final class Vst3Bridge {
    private static final Logger LOG = LoggerFactory.getLogger(Vst3Bridge.class);
    private static final Map<Long, PluginCore> INSTANCES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    /** Per shim table: its binding. Strong references: each shim holds its Java table's addresses for ever. */
    private static final Map<Long, Binding> BINDINGS = new ConcurrentHashMap<>();

    private record Binding(ShimApi shim, JavaApi api) {}

    private Vst3Bridge() {}

    /** Called once per loaded copy of the shim (JNI), on a host thread. Returns the address of its Java table. */
    public static synchronized long bootstrap(long shimTable) {
        Binding b = BINDINGS.get(shimTable);
        if (b == null) {
            if (BINDINGS.isEmpty()) {
                Thread.currentThread().setContextClassLoader(Vst3Bridge.class.getClassLoader());
                quietConsole();
            }
            ShimApi shim = new ShimApi(new Pointer(shimTable));
            b = new Binding(shim, table(shim));
            BINDINGS.put(shimTable, b);
            shim.log("Java bridge started (Java " + System.getProperty("java.version") + ", shim copy " + BINDINGS.size() + ")");
        }
        return Pointer.nativeValue(b.api().getPointer());
    }

    /**
     * Called by aceforge-jvm-probe (native/src/probe.c) in a child process before Java is started inside a host:
     * throws if this JVM cannot run the plugin (JNA's native library, logging, a heap that holds a working set).
     */
    public static String probe() {
        int pointer = Native.POINTER_SIZE;            // loads JNA's native library
        LoggerFactory.getLogger(Vst3Bridge.class).debug("start check");
        byte[] workingSet = new byte[64 << 20];        // the least a render needs; a tiny -Xmx fails here
        workingSet[workingSet.length - 1] = 1;
        return "ok: " + pointer * 8 + "-bit, max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB";
    }

    private static JavaApi table(ShimApi shim) {
        JavaApi a = new JavaApi();
        a.instance_created = instance -> created(shim, instance);
        a.instance_destroyed = Vst3Bridge::destroyed;
        a.setup = (id, rate, block) -> {};
        a.get_state = (id, stream) -> getState(shim, id, stream);
        a.set_state = Vst3Bridge::setState;
        a.editor_open = Vst3Bridge::editorOpen;
        a.editor_close = Vst3Bridge::editorClose;
        a.debug = Vst3Bridge::debug;
        CallbackThreadInitializer keepAttached = new CallbackThreadInitializer(true, false, "aceforge-host");
        for (Object cb : new Object[]{a.instance_created, a.instance_destroyed, a.setup, a.get_state, a.set_state,
                a.editor_open, a.editor_close, a.debug})
            Native.setCallbackThreadInitializer((com.sun.jna.Callback) cb, keepAttached);
        a.write();
        return a;
    }

    /** Inside a host, logs go to the log file only: the host's terminal is not ours. */
    private static void quietConsole() {
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger l) l.detachAppender("STDERR");
    }

    private static long created(ShimApi shim, long instance) {
        try {
            long id = NEXT_ID.getAndIncrement();
            INSTANCES.put(id, new PluginCore(shim.port(instance)));
            return id;
        } catch (Throwable t) {
            LOG.error("instance creation failed", t);
            return -1;
        }
    }

    private static void destroyed(long id) {
        try {
            PluginCore c = INSTANCES.remove(id);
            if (c != null) c.dispose();
        } catch (Throwable t) {
            LOG.error("instance disposal failed", t);
        }
    }

    private static int getState(ShimApi shim, long id, long stream) {
        try {
            PluginCore c = INSTANCES.get(id);
            if (c == null) return -1;
            shim.streamWrite(stream, c.saveState());
            return 0;
        } catch (Throwable t) {
            LOG.error("getState failed", t);
            return -1;
        }
    }

    private static int setState(long id, Pointer data, int length, String notice) {
        try {
            PluginCore c = INSTANCES.get(id);
            if (c == null) return -1;
            c.restoreState(length > 0 && data != null ? data.getByteArray(0, length) : new byte[0], notice);
            return 0;
        } catch (Throwable t) {
            LOG.error("setState failed", t);
            return -1;
        }
    }

    private static int editorOpen(long id, long parent) {
        try {
            PluginCore c = INSTANCES.get(id);
            if (c == null) return -1;
            String display = System.getenv("DISPLAY");
            if (display == null || display.isBlank() || java.awt.GraphicsEnvironment.isHeadless()) return -1;
            c.openEditor();
            return 0;
        } catch (Throwable t) {
            LOG.error("editor failed to open", t);
            return -1;
        }
    }

    private static int editorClose(long id) {
        try {
            PluginCore c = INSTANCES.get(id);
            if (c != null) c.closeEditor();
            return 0;
        } catch (Throwable t) {
            LOG.error("editor failed to close", t);
            return -1;
        }
    }

    private static volatile long gcBaseline;

    /**
     * Test hooks: 1 = allocate and collect for {@code arg} ms on a Java thread; 2 = collections since then;
     * 3 = place a constant test clip of value arg/1000 (checks the Java → real-time clip path).
     */
    private static long debug(long id, int what, long arg) {
        try {
            if (what == 1) {
                gcBaseline = collections();
                Thread t = new Thread(() -> {
                    long end = System.nanoTime() + arg * 1_000_000L;
                    Object[] keep = new Object[64];
                    int i = 0;
                    while (System.nanoTime() < end) {
                        keep[i++ % keep.length] = new byte[1 << 20];
                        if (i % 16 == 0) System.gc();
                    }
                }, "aceforge-gc-pressure");
                t.setDaemon(true);
                t.start();
                return 1;
            }
            if (what == 2) return collections() - gcBaseline;
            if (what == 3) {
                // A 1 s clip of constant value arg/1000 at timeline 0 in slot 0, placed through the normal path.
                PluginCore c = INSTANCES.get(id);
                return c == null ? -1 : c.placeTestClip(arg / 1000f, 48000, 0);
            }
            return -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionCount());
        return n;
    }
}
