package org.aceforge.bridge.vst3;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * af_java_api (native/src/af_bridge.h): the callbacks the shim calls on host non-audio threads. The shim attaches
 * those threads to the JVM once, as daemons, so JNA neither attaches nor detaches per call. This structure and every
 * callback in it stay strongly reachable for the life of the JVM (the shim keeps their addresses).
 */
@Structure.FieldOrder({"version", "instance_created", "instance_destroyed", "setup", "get_state", "set_state",
        "editor_open", "editor_close", "debug"})
public final class JavaApi extends Structure {
    public interface InstanceCreated extends Callback { long invoke(long instance); }
    public interface InstanceDestroyed extends Callback { void invoke(long id); }
    public interface Setup extends Callback { void invoke(long id, double sampleRate, int maxBlock); }
    public interface GetState extends Callback { int invoke(long id, long stream); }
    public interface SetState extends Callback { int invoke(long id, Pointer data, int length, String notice); }
    public interface EditorOpen extends Callback { int invoke(long id, long parentWindow); }
    public interface EditorClose extends Callback { int invoke(long id); }
    public interface Debug extends Callback { long invoke(long id, int what, long arg); }

    public int version = ShimApi.VERSION;
    public InstanceCreated instance_created;
    public InstanceDestroyed instance_destroyed;
    public Setup setup;
    public GetState get_state;
    public SetState set_state;
    public EditorOpen editor_open;
    public EditorClose editor_close;
    public Debug debug;
}
