package org.aceforge.engine.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session for a built network, with its checkpoint weights attached as external initializers that
 * wrap the memory-mapped checkpoint (no copy on the Java side; ONNX Runtime copies them into the session as it opens,
 * and the wrappers are closed then). Runs on the calling worker thread; a session may be used by one thread at a time.
 */
public final class NetSession implements AutoCloseable {
    private final String name;
    private final OrtEnvironment env = OrtRuntime.env();
    private final OrtSession session;
    private final List<OnnxTensor> weightTensors = new ArrayList<>();

    public NetSession(String name, byte[] model, Map<String, TensorData> weights) throws OrtException {
        this(name, model, weights, OrtRuntime.device());
    }

    /** A session on a given device (the chosen one unless the out-of-memory ladder asks for the CPU). */
    public NetSession(String name, byte[] model, Map<String, TensorData> weights, OrtRuntime.Device device) throws OrtException {
        this(name, model, weights, Map.of(), device, false);
    }

    /**
     * A session for a training graph: the weights are read where they lie, not repacked. ONNX Runtime's pre-packing
     * would copy every base weight once per use (the backward pass multiplies by each weight a second way), took most
     * of a full-size training session's load time and doubles its memory; the step time did not need it
     * (docs/benchmarks.md).
     */
    public static NetSession forTraining(String name, byte[] model, Map<String, TensorData> weights) throws OrtException {
        return new NetSession(name, model, weights, Map.of(), OrtRuntime.device(), true);
    }

    /**
     * As {@link #forTraining(String, byte[], Map)}, with {@code fed} weights that are graph inputs (OnnxGraph#feedWeights):
     * each is wrapped once, in place, and added to every run's inputs.
     */
    public static NetSession forTraining(String name, byte[] model, Map<String, TensorData> weights, Map<String, TensorData> fed) throws OrtException {
        return new NetSession(name, model, weights, fed, OrtRuntime.device(), true);
    }

    private final Map<String, OnnxTensor> fedTensors = new LinkedHashMap<>();

    private NetSession(String name, byte[] model, Map<String, TensorData> weights, Map<String, TensorData> fed,
                       OrtRuntime.Device device, boolean training) throws OrtException {
        this.name = name;
        try (OrtSession.SessionOptions opts = OrtRuntime.sessionOptions(device)) {
            for (var e : fed.entrySet()) {
                OnnxTensor t = wrap(env, e.getValue());
                weightTensors.add(t);
                fedTensors.put(e.getKey(), t);
            }
            if (training) opts.addConfigEntry("session.disable_prepacking", "1");
            // Sessions running the VAE's operators (CustomOps.usedBy) have ONNX Runtime's spin-waiting between nodes
            // off: when those operators had threads of their own, the spinning workers took the cores from them (the
            // decode ~8 % slower, docs/benchmarks.md, 2026-12-01 sixth); on ONNX Runtime's own threads (2026-12-02
            // eleventh) the decode measured 4.57-5.21 s with it off, 4.83-5.40 s on. The DiT keeps spinning: turning it
            // off cost its step ~25 % (its many small products wait on each other's workers).
            if (CustomOps.usedBy(model)) opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            // ONNX Runtime copies external initializers into the session (C API AddExternalInitializers: "the data
            // will be copied into the graph ... the user provided buffers can then be deallocated";
            // NetSessionTest.theWeightsAreCopiedWhenTheSessionOpens), so these wrappers live only until it is open.
            Map<String, OnnxTensorLike> ext = new HashMap<>();
            try {
                for (var e : weights.entrySet()) ext.put(e.getKey(), wrap(env, e.getValue()));
                if (!ext.isEmpty()) opts.addExternalInitializers(ext);
                this.session = env.createSession(model, opts);
            } finally {
                ext.values().forEach(t -> ((OnnxTensor) t).close());
            }
        } catch (OrtException | RuntimeException e) {
            weightTensors.forEach(OnnxTensor::close);
            throw e;
        }
    }

    public String name() { return name; }

    private static OnnxTensor wrap(OrtEnvironment env, TensorData t) throws OrtException {
        ByteBuffer b = t.bytes();
        if (!b.isDirect()) {
            ByteBuffer d = ByteBuffer.allocateDirect(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            d.put(b.duplicate()).flip();
            b = d;
        }
        b = b.duplicate().order(ByteOrder.nativeOrder());
        OnnxJavaType type = switch (t.dtype()) {
            case F32 -> OnnxJavaType.FLOAT;
            case F16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case F64 -> OnnxJavaType.DOUBLE;
            case I64 -> OnnxJavaType.INT64;
            case I32 -> OnnxJavaType.INT32;
            case I8 -> OnnxJavaType.INT8;
            case U8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
        };
        return OnnxTensor.createTensor(env, b, t.shape(), type);
    }

    /** Runs the network on named inputs and returns every output, copied out of native memory. */
    public Map<String, TensorData> run(Map<String, TensorData> inputs) throws OrtException {
        return run(inputs, Map.of());
    }

    /**
     * As {@link #run(Map)}, with more inputs that the caller wrapped once and keeps ({@link #tensor}: a layer's weights
     * fed to a session shared by all layers, say); those the graph does not take are left out.
     */
    public Map<String, TensorData> run(Map<String, TensorData> inputs, Map<String, OnnxTensor> owned) throws OrtException {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) in.put(e.getKey(), wrap(env, e.getValue()));
            Map<String, OnnxTensor> all = in;
            if (!fedTensors.isEmpty() || !owned.isEmpty()) {
                all = new LinkedHashMap<>(in);
                all.putAll(fedTensors);
                java.util.Set<String> taken = session.getInputNames();
                for (var e : owned.entrySet()) if (taken.contains(e.getKey())) all.put(e.getKey(), e.getValue());
            }
            try (OrtSession.Result r = session.run(all)) {
                return copyOut(r);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs on tensors the caller owns: {@code pinned} outputs are written into the caller's tensors (which may be the
     * same tensors passed as inputs, for an in-place cache); the {@code requested} outputs are returned as copies.
     */
    public Map<String, TensorData> run(Map<String, ? extends OnnxTensorLike> inputs, java.util.Set<String> requested,
                                       Map<String, ? extends OnnxValue> pinned) throws OrtException {
        try (OrtSession.Result r = session.run(inputs, requested, pinned)) {
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (String name : requested) out.put(name, copy(name, (OnnxTensor) r.get(name).orElseThrow()));
            return out;
        }
    }

    /** A tensor over the data in place when it is direct (memory-mapped weights), else a copy; the caller closes it. */
    public static OnnxTensor tensor(TensorData t) throws OrtException {
        return wrap(OrtRuntime.env(), t);
    }

    /** Wraps a direct native-order buffer as a tensor without copying (the buffer must outlive the tensor). */
    public static OnnxTensor wrapDirect(java.nio.FloatBuffer data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(OrtRuntime.env(), data, shape);
    }

    private static Map<String, TensorData> copyOut(OrtSession.Result r) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : r) out.put(e.getKey(), copy(e.getKey(), (OnnxTensor) e.getValue()));
        return out;
    }

    private static TensorData copy(String name, OnnxTensor t) {
        TensorInfo info = t.getInfo();
        ByteBuffer src = t.getByteBuffer();
        ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(src.order(ByteOrder.LITTLE_ENDIAN)).flip();
        DType dt = switch (info.type) {
            case FLOAT -> DType.F32;
            case INT64 -> DType.I64;
            case INT32 -> DType.I32;
            case BOOL -> DType.BOOL;
            case DOUBLE -> DType.F64;
            default -> throw new IllegalStateException("unexpected output type " + info.type);
        };
        return new TensorData(name, dt, info.getShape(), copy);
    }

    public java.util.Set<String> inputNames() {
        return session.getInputNames();
    }

    public java.util.Set<String> outputNames() {
        return session.getOutputNames();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            weightTensors.forEach(OnnxTensor::close);
        }
    }
}
