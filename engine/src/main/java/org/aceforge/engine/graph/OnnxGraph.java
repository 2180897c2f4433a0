package org.aceforge.engine.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.aceforge.engine.tensors.DType;
import org.aceforge.engine.tensors.TensorData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small typed builder for ONNX graphs (opset 23, IR 11). Values are named edges; every method adds nodes and returns
 * the new value. Checkpoint weights are declared as initializers with external data and handed to ONNX Runtime from
 * the memory-mapped checkpoint when the session is created, so the protobuf never holds a copy of them.
 */
public final class OnnxGraph {
    public static final int OPSET = 23;
    public static final int IR_VERSION = 11;

    /** A named value in the graph. */
    public record V(String name) {}

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    /** Where new nodes go: the graph, or the branch of an If being built ({@link #ifElse}). */
    private GraphProto.Builder current = graph;
    private final Map<String, TensorData> externalWeights = new LinkedHashMap<>();
    private final Map<String, V> weightValues = new LinkedHashMap<>();
    private final Map<String, ValueInfoProto> inputs = new java.util.HashMap<>();
    private final Map<String, TensorProto> initializers = new java.util.HashMap<>();
    private int counter;

    public OnnxGraph(String name) {
        graph.setName(name);
    }

    private String fresh(String hint) {
        return hint + "_" + (counter++);
    }

    // ---------- graph interface ----------

    private final Map<String, Long> fixedSizes = new java.util.HashMap<>();

    /**
     * From now on, inputs and outputs declared with these symbolic dimensions get these sizes instead: a graph for one
     * shape. ONNX Runtime then plans memory and folds shape arithmetic at load; with symbolic sizes its allocation
     * planner took half a minute on the full-size training graph (docs/benchmarks.md).
     */
    public OnnxGraph fixSizes(Map<String, Long> sizes) {
        fixedSizes.putAll(sizes);
        return this;
    }

    private Object[] fixed(Object[] dims) {
        Object[] out = dims.clone();
        for (int i = 0; i < out.length; i++) if (out[i] instanceof String s && fixedSizes.containsKey(s)) out[i] = fixedSizes.get(s);
        return out;
    }

    /** A graph input; dims are Long (fixed) or String (symbolic). */
    public V input(String name, DType type, Object... dims) {
        ValueInfoProto info = valueInfo(name, type, fixed(dims));
        graph.addInput(info);
        inputs.put(name, info);
        return new V(name);
    }

    /** Marks a value as a graph output under the given name. */
    public void output(V v, String name, DType type, Object... dims) {
        V named = v.name().equals(name) ? v : op1("Identity", name, new Attr[0], v);
        graph.addOutput(valueInfo(named.name(), type, fixed(dims)));
    }

    private static ValueInfoProto valueInfo(String name, DType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            else shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.onnxCode).setShape(shape))).build();
    }

    /**
     * A checkpoint tensor used as a float32 initializer. Non-f32 tensors are declared in their stored type and cast
     * (ONNX Runtime folds the cast at load). The same tensor used twice is declared once.
     */
    public V weight(TensorData t) {
        requireMainGraph(t.name());
        V cached = weightValues.get(t.name());
        if (cached != null) return cached;
        if (trainable.contains(t.name())) {   // fed at every run (training updates it), never stored in the graph
            Object[] dims = new Object[t.shape().length];
            for (int i = 0; i < dims.length; i++) dims[i] = t.shape()[i];
            V in = input(t.name(), DType.F32, dims);
            weightValues.put(t.name(), in);
            return in;
        }
        if (feedWeights) {
            Object[] dims = new Object[t.shape().length];
            for (int i = 0; i < dims.length; i++) dims[i] = t.shape()[i];
            input(t.name(), t.dtype(), dims);
            fedWeights.put(t.name(), t);
        } else declareExternal(t);
        V v = new V(t.name());
        if (t.dtype() != DType.F32) v = cast(v, DType.F32);
        weightValues.put(t.name(), v);
        return v;
    }

    private boolean feedWeights;
    private final Map<String, TensorData> fedWeights = new LinkedHashMap<>();

    /**
     * From now on, checkpoint weights become graph inputs that the session feeds at every run from the tensors as
     * they lie (see {@link #fedWeights}), instead of initializers. ONNX Runtime copies every initializer handed to it
     * (measured: a second 6 GB of anonymous memory for the full DiT's 6 GB of memory-mapped weights, whatever the
     * optimisation level, pre-packing or alignment), while an input is read in place. A graph that feeds its
     * weights forgoes the constant folding and pre-packing of them, which training does not need.
     */
    public OnnxGraph feedWeights() {
        feedWeights = true;
        return this;
    }

    /** The weights a session must feed as inputs at every run (see {@link #feedWeights}). */
    public Map<String, TensorData> fedWeights() {
        return Collections.unmodifiableMap(fedWeights);
    }

    private void declareExternal(TensorData t) {
        TensorProto.Builder tp = TensorProto.newBuilder().setName(t.name()).setDataType(t.dtype().onnxCode)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("checkpoint.weights"))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length")
                        .setValue(Long.toString(t.elementCount() * t.dtype().byteSize)));
        for (long d : t.shape()) tp.addDims(d);
        addInitializer(tp.build());
        externalWeights.put(t.name(), t);
    }

    /** An inline float32 constant (small tensors computed by the builder). */
    public V constant(float[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return inline(DType.F32, b.array(), shape);
    }

    public V scalar(double v) {
        return constant(new float[]{(float) v});
    }

    public V constantLongs(long[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return inline(DType.I64, b.array(), shape);
    }

    /** A 1-D int64 constant, the usual form of shapes, axes and indices. */
    public V longs(long... v) {
        return constantLongs(v, v.length);
    }

    public V longScalar(long v) {
        return constantLongs(new long[]{v});
    }

    /** Small constants already declared, by type, shape and bytes (see {@link #inline}). */
    private final Map<String, V> smallConstants = new java.util.HashMap<>();

    /**
     * A constant initializer. Small ones (scalars, axes, shapes) are declared once per distinct value: a gradient graph
     * asks for the same few thousands of times, and ONNX Runtime's session creation slows with the initializer count
     * (it replaced each external weight in time proportional to it: quadratic in the layers before this).
     */
    private V inline(DType type, byte[] raw, long... shape) {
        String key = null;
        if (raw.length <= 64) {
            key = type.name() + java.util.Arrays.toString(shape) + java.util.Base64.getEncoder().encodeToString(raw);
            V known = smallConstants.get(key);
            if (known != null) return known;
        }
        String name = fresh("const");
        TensorProto.Builder tp = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode).setRawData(ByteString.copyFrom(raw));
        for (long d : shape) tp.addDims(d);
        addInitializer(tp.build());
        V v = new V(name);
        if (key != null) smallConstants.put(key, v);
        return v;
    }

    private void addInitializer(TensorProto t) {
        graph.addInitializer(t);
        initializers.put(t.getName(), t);
    }

    // ---------- nodes ----------

    public V op(String type, Attr[] attrs, V... inputs) {
        return op1(type, fresh(type.toLowerCase()), attrs, inputs);
    }

    public V op(String type, V... inputs) {
        return op(type, new Attr[0], inputs);
    }

    private V op1(String type, String out, Attr[] attrs, V... inputs) {
        node("", type, new String[]{out}, attrs, inputs);
        return new V(out);
    }

    /** A node with several outputs from the com.microsoft contrib domain (ONNX Runtime's fused operators). */
    public V[] msOpN(String type, int outputs, Attr[] attrs, V... inputs) {
        return nodeN(MS_DOMAIN, type, outputs, attrs, inputs);
    }

    public static final String MS_DOMAIN = "com.microsoft";
    /** AceForge's own operators (runtime.CustomOps); imported only by graphs that use one. */
    public static final String ACEFORGE_DOMAIN = "org.aceforge";
    private boolean usesAceforgeDomain;

    /** A node from AceForge's own operator domain (only on sessions where runtime.CustomOps says it is available). */
    public V aceforgeOp(String type, V... inputs) {
        return aceforgeOp(type, new Attr[0], inputs);
    }

    /** A node from AceForge's own operator domain, with attributes. */
    public V aceforgeOp(String type, Attr[] attrs, V... inputs) {
        usesAceforgeDomain = true;
        return nodeN(ACEFORGE_DOMAIN, type, 1, attrs, inputs)[0];
    }

    /** A node with several outputs. */
    public V[] opN(String type, int outputs, Attr[] attrs, V... inputs) {
        return nodeN("", type, outputs, attrs, inputs);
    }

    private V[] nodeN(String domain, String type, int outputs, Attr[] attrs, V... inputs) {
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) outs[i] = fresh(type.toLowerCase());
        node(domain, type, outs, attrs, inputs);
        V[] vs = new V[outputs];
        for (int i = 0; i < outputs; i++) vs[i] = new V(outs[i]);
        return vs;
    }

    /**
     * An If node: {@code cond} (a bool of one element) picks which branch runs; each branch is built by its supplier
     * and returns its one output, of the given type. Branches read the values around them (ONNX's outer scope) and
     * may add constants, which go to the main graph; they must not declare weights (a weight is declared once and
     * would then be used outside the branch that made it).
     */
    public V ifElse(V cond, DType type, java.util.function.Supplier<V> then, java.util.function.Supplier<V> otherwise) {
        GraphProto thenBranch = branch("then", type, then);
        GraphProto elseBranch = branch("else", type, otherwise);
        return nodeN("", "If", 1, new Attr[]{Attr.graph("then_branch", thenBranch), Attr.graph("else_branch", elseBranch)},
                cond)[0];
    }

    private GraphProto branch(String hint, DType type, java.util.function.Supplier<V> body) {
        GraphProto.Builder outer = current;
        current = GraphProto.newBuilder().setName(fresh(hint));
        try {
            V out = op1("Identity", fresh(hint + "_out"), new Attr[0], body.get());
            current.addOutput(ValueInfoProto.newBuilder().setName(out.name())
                    .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode))));
            return current.build();
        } finally {
            current = outer;
        }
    }

    private void requireMainGraph(String weight) {
        if (current != graph) throw new IllegalStateException("weight " + weight + " declared inside an If branch");
    }

    private void node(String domain, String type, String[] outs, Attr[] attrs, V... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(fresh("n_" + type)).setDomain(domain);
        for (V in : inputs) n.addInput(in == null ? "" : in.name());
        for (String o : outs) n.addOutput(o);
        for (Attr a : attrs) n.addAttribute(a.proto());
        current.addNode(n);
    }

    // ---------- common operators ----------

    public V add(V a, V b) { return op("Add", a, b); }
    public V sub(V a, V b) { return op("Sub", a, b); }
    public V mul(V a, V b) { return op("Mul", a, b); }
    public V div(V a, V b) { return op("Div", a, b); }
    public V matMul(V a, V b) { return op("MatMul", a, b); }
    public V neg(V a) { return op("Neg", a); }
    public V exp(V a) { return op("Exp", a); }
    public V sin(V a) { return op("Sin", a); }
    public V cos(V a) { return op("Cos", a); }
    public V sigmoid(V a) { return op("Sigmoid", a); }
    public V tanh(V a) { return op("Tanh", a); }

    /** SiLU (x·sigmoid(x)). */
    public V silu(V x) {
        return mul(x, sigmoid(x));
    }

    public V cast(V x, DType to) {
        return op("Cast", new Attr[]{Attr.i("to", to.onnxCode)}, x);
    }

    /** Reshape with ONNX semantics (0 copies the input dimension, −1 is inferred). */
    public V reshape(V x, long... shape) {
        return op("Reshape", x, longs(shape));
    }

    public V reshape(V x, V shape) {
        return op("Reshape", x, shape);
    }

    public V transpose(V x, long... perm) {
        return op("Transpose", new Attr[]{Attr.ints("perm", perm)}, x);
    }

    public V concat(long axis, V... parts) {
        return op("Concat", new Attr[]{Attr.i("axis", axis)}, parts);
    }

    public V unsqueeze(V x, long... axes) {
        return op("Unsqueeze", x, longs(axes));
    }

    public V squeeze(V x, long... axes) {
        return op("Squeeze", x, longs(axes));
    }

    /** x[..., start:end] along one axis. */
    public V slice(V x, long axis, long start, long end) {
        return op("Slice", x, longs(start), longs(end), longs(axis));
    }

    public V slice(V x, long axis, V start, V end) {
        return op("Slice", x, start, end, longs(axis));
    }

    public V gather(V data, V indices, long axis) {
        return op("Gather", new Attr[]{Attr.i("axis", axis)}, data, indices);
    }

    /** Dimension i of x as a 1-element int64 tensor. */
    public V dim(V x, long i) {
        return op("Shape", new Attr[]{Attr.i("start", i), Attr.i("end", i + 1)}, x);
    }

    public V[] split(V x, long axis, long... sizes) {
        return opN("Split", sizes.length, new Attr[]{Attr.i("axis", axis)}, x, longs(sizes));
    }

    /** RMSNorm over the last axis: x·rsqrt(mean(x²)+eps)·w (opset 23 RMSNormalization). */
    public V rmsNorm(V x, V weight, double eps) {
        return op("RMSNormalization", new Attr[]{Attr.i("axis", -1), Attr.f("epsilon", eps)}, x, weight);
    }

    private final java.util.Set<String> trainable = new java.util.HashSet<>();

    /** From now on, the weights of these names become graph inputs of their shape (the parameters being trained). */
    public OnnxGraph trainable(java.util.Collection<String> names) {
        trainable.addAll(names);
        return this;
    }

    private Int8Weights int8;

    /** From now on, Linear layers wide enough use int8 weights through the weights' kernel (null: fp32). */
    public OnnxGraph int8(Int8Weights weights) {
        this.int8 = weights;
        return this;
    }

    private LowRankUpdates lora;
    private double loraScale;

    /** From now on, Linear layers the adapter names get its low-rank update, scaled by the pair's own scale · scale. */
    public OnnxGraph lora(LowRankUpdates adapter, double scale) {
        this.lora = adapter;
        if (adapter != null) trainable(adapter.trainableNames());
        this.loraScale = adapter == null ? 0 : scale;
        return this;
    }

    /** y = x·Wᵀ (+ b) for a PyTorch Linear weight [out, in], plus a LoRA branch s·(x·Aᵀ)·Bᵀ where one applies. */
    public V linear(V x, TensorData w, TensorData bias) {
        V y = baseLinear(x, w, bias);
        var pair = lora == null ? null : lora.pair(w.name());
        if (pair == null) return y;
        V in = lora.dropout() > 0 ? dropout(x, lora.dropout()) : x;
        V low = matMul(matMul(in, transpose(weight(pair.a()), 1, 0)), transpose(weight(pair.b()), 1, 0));
        return add(y, mul(low, scalar(pair.scale() * loraScale)));
    }

    /** The float [1] input that varies the LoRA dropout's draw from one training step to the next. */
    public static final String LORA_DROPOUT_SEED = "lora_dropout_seed";
    private V dropoutSeed;
    private int dropoutSalt;

    /**
     * Inverted dropout whose draw is a hash of each element's position, the seed input and a per-module salt:
     * u = frac(sin(i·12.9898 + seed·78.233 + salt·37.719)·43758.5453), kept where u ≥ p. ONNX's own random operators take
     * their seed as a constant attribute, which would repeat one mask at every step; this changes with the fed seed.
     * The mask depends on x's shape only, so no gradient flows through it.
     */
    private V dropout(V x, double p) {
        if (dropoutSeed == null) dropoutSeed = input(LORA_DROPOUT_SEED, DType.F32, 1L);
        double salt = ++dropoutSalt;
        V ones = op("Expand", scalar(1), op("Shape", x));
        V index = reshape(op("CumSum", reshape(ones, -1), longScalar(0)), op("Shape", x));
        V phase = add(add(mul(index, scalar(12.9898)), mul(dropoutSeed, scalar(78.233))), scalar(salt * 37.719));
        V h = mul(sin(phase), scalar(43758.5453));
        V u = sub(h, op("Floor", h));
        V keep = cast(op("GreaterOrEqual", u, scalar(p)), DType.F32);
        return mul(x, mul(keep, scalar(1 / (1 - p))));
    }

    /**
     * Linear layers without bias that read the same input (q, k and v of a self-attention; gate and up of an MLP), as
     * one wider matmul where that is faster — the INT8 per-column kernels: one quantization of x instead of one per
     * layer, one GEMM of the summed width, then a Split. Each output column keeps its own scale and x is quantized the
     * same way, so the outputs equal the separate layers'. Elsewhere (fp32, MatMulNBits, a LoRA adapter on any of the
     * weights), one layer at a time.
     */
    public V[] linears(V x, TensorData... ws) {
        V joined = joinedLinear(x, ws);
        V[] out = new V[ws.length];
        if (joined == null) {
            for (int i = 0; i < ws.length; i++) out[i] = linear(x, ws[i], null);
            return out;
        }
        long[] widths = new long[ws.length];
        for (int i = 0; i < ws.length; i++) widths[i] = ws[i].shape()[0];
        return split(joined, -1, widths);
    }

    /**
     * The layers of {@link #linears} as one product, their outputs side by side on the last axis, where the INT8
     * kernel joins them; null where it would not (then each is its own linear).
     */
    public V joinedLinear(V x, TensorData... ws) {
        // -Daceforge.int8.join=false keeps the layers separate (for measuring; use another aceforge.cache, as cached
        // graphs are keyed without it).
        boolean fuse = ws.length > 1 && int8 != null && int8.kernel().perColumn() && !"false".equals(System.getProperty("aceforge.int8.join"));
        for (TensorData w : ws)
            fuse &= Int8Weights.eligible(w) && w.shape()[1] == ws[0].shape()[1] && (lora == null || lora.pair(w.name()) == null);
        return fuse ? columnsLinear(x, int8.joinedColumns(ws), int8.joinedColumnScales(ws)) : null;
    }

    private boolean fusedLayers;

    /**
     * From now on, transformer layers use AceForge's fused small operators (RmsNorm, RmsNormRope, AdaRmsNorm, GatedAdd,
     * SwiGlu, SiluMul: runtime.CustomOps) instead of chains of standard ones. Only for inference graphs on sessions
     * where the library is available: training differentiates standard operators only.
     */
    public OnnxGraph fusedLayers(boolean on) {
        this.fusedLayers = on;
        return this;
    }

    /** Whether transformer layers use the fused operators (see {@link #fusedLayers(boolean)}). */
    public boolean fusedLayers() {
        return fusedLayers;
    }

    /** x·W through the per-column INT8 kernel: W as int8 [in, out] with one scale per output. */
    private V columnsLinear(V x, TensorData columns, TensorData scales) {
        return switch (int8.kernel()) {
            case DYNAMIC_QUANTIZE_MATMUL, DYNAMIC_QUANTIZE_MATMUL_7 ->
                    msOpN("DynamicQuantizeMatMul", 1, new Attr[0], x, rawWeight(columns), weight(scales))[0];
            case MATMUL_INTEGER, MATMUL_INTEGER_7 -> {
                V[] q = opN("DynamicQuantizeLinear", 3, new Attr[0], x);
                V acc = op("MatMulInteger", q[0], rawWeight(columns), q[2]);
                V f = op("Cast", new Attr[]{Attr.i("to", 1)}, acc);
                yield mul(f, mul(q[1], weight(scales)));
            }
            default -> throw new IllegalStateException(int8.kernel() + " has no per-column form");
        };
    }

    private V baseLinear(V x, TensorData w, TensorData bias) {
        if (int8 != null && Int8Weights.eligible(w)) {
            V y = switch (int8.kernel()) {
                case MATMUL_NBITS -> msOpN("MatMulNBits", 1, new Attr[]{Attr.i("K", w.shape()[1]), Attr.i("N", w.shape()[0]),
                        Attr.i("bits", 8), Attr.i("block_size", Int8Weights.BLOCK), Attr.i("accuracy_level", 4)},
                        x, rawWeight(int8.quantized(w)), rawWeight(int8.scales(w)))[0];
                case MATMUL_NBITS4 -> msOpN("MatMulNBits", 1, new Attr[]{Attr.i("K", w.shape()[1]), Attr.i("N", w.shape()[0]),
                        Attr.i("bits", 4), Attr.i("block_size", Int8Weights.BLOCK4), Attr.i("accuracy_level", 4)},
                        x, rawWeight(int8.nibbles(w)), rawWeight(int8.nibbleScales(w)))[0];
                case DYNAMIC_QUANTIZE_MATMUL, DYNAMIC_QUANTIZE_MATMUL_7, MATMUL_INTEGER, MATMUL_INTEGER_7 ->
                        columnsLinear(x, int8.columns(w), int8.columnScales(w));
            };
            return bias == null ? y : add(y, weight(bias));
        }
        // Gemm with transB reads the [out, in] checkpoint matrix as it is. MatMul(x, Transpose(W)) made ONNX Runtime
        // fold the transpose into a second, anonymous copy of every weight at session start (measured: 2.6 GB of
        // the 0.6B text encoder's 2.4 GB, held for the session's life, and a 6.7 GB transient peak).
        V flat = reshape(x, -1, w.shape()[1]);
        V y = bias == null ? op("Gemm", new Attr[]{Attr.i("transB", 1)}, flat, weight(w))
                : op("Gemm", new Attr[]{Attr.i("transB", 1)}, flat, weight(w), weight(bias));
        V lead = op("Shape", new Attr[]{Attr.i("start", 0), Attr.i("end", -1)}, x);
        return reshape(y, concat(0, lead, longs(w.shape()[0])));
    }

    /** A tensor used in its stored type (no cast to float32), e.g. int8 weights. */
    public V rawWeight(TensorData t) {
        if (t.dtype() == DType.F32) return weight(t);
        requireMainGraph(t.name());
        V cached = weightValues.get(t.name() + "#raw");
        if (cached != null) return cached;
        declareExternal(t);
        V v = new V(t.name());
        weightValues.put(t.name() + "#raw", v);
        return v;
    }

    /** The nodes so far, in the order they were added (a topological order: a node's inputs come before it). */
    java.util.List<NodeProto> nodes() {
        return java.util.List.copyOf(graph.getNodeList());
    }

    int nodeCount() {
        return graph.getNodeCount();
    }

    NodeProto node(int i) {
        return graph.getNode(i);
    }

    /** The initializer of this name (a weight, whose data may be external, or a constant), or null. */
    TensorProto initializer(String name) {
        return initializers.get(name);
    }

    /** The declared graph input of this name, or null. */
    ValueInfoProto inputInfo(String name) {
        return inputs.get(name);
    }

    /** The names of the graph's initializers (weights and constants): values no node produces. */
    java.util.Set<String> initializerNames() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (TensorProto t : graph.getInitializerList()) out.add(t.getName());
        return out;
    }

    // ---------- serialisation ----------

    public Map<String, TensorData> externalWeights() {
        return Collections.unmodifiableMap(externalWeights);
    }

    public byte[] toModelBytes() {
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("aceforge")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
        if (usesAceforgeDomain) m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ACEFORGE_DOMAIN).setVersion(1));
        return m.setGraph(graph).build().toByteArray();
    }
}
