package org.aceforge.engine.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import org.aceforge.engine.graph.OnnxGraph.V;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of a graph built with {@link OnnxGraph}: the gradients of a loss with respect to chosen
 * values, appended to the same graph as ordinary ONNX nodes, so one ONNX Runtime session computes the forward pass and
 * the gradients together (ONNX Runtime's Java package has no training build; this is why it is written here).
 *
 * <p>Only nodes on a path from a chosen value to the loss are differentiated; each contributes through its operator's
 * vector-Jacobian product ({@link VjpRules}), and a value used by several nodes sums their contributions. The loss may
 * have any shape: its elements are summed (its gradient seed is ones). An operator without a rule on such a path is an
 * error naming it.
 */
public final class Gradients {
    /** Operators whose output is boolean (an Attention mask made by one of them is a boolean mask). */
    private static final Set<String> BOOL_OPS = Set.of("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Not", "Xor");

    /** Operators that move elements without changing their type (a boolean in, a boolean out). */
    private static final Set<String> SHAPE_OPS = Set.of("Unsqueeze", "Squeeze", "Reshape", "Expand", "Transpose", "Identity", "Slice",
            "Tile", "Gather", "Concat", "Flatten", "Pad");

    /**
     * Operators whose output carries no gradient whatever their input: shapes, sizes, indices, comparisons. What is
     * computed from them alone (a mask from a shape, say) is a constant to the differentiation.
     */
    private static final Set<String> CONSTANT_OUTPUT = Set.of("Shape", "Size", "NonZero", "Equal", "Less", "LessOrEqual", "Greater",
            "GreaterOrEqual", "And", "Or", "Not", "Xor", "Floor", "Ceil", "Round", "Sign", "ArgMax", "ArgMin");

    private Gradients() {}

    /** d(Σ loss)/d v for each {@code v} of {@code wrt}, as values of {@code g}. */
    public static Map<V, V> of(OnnxGraph g, V loss, List<V> wrt) {
        List<NodeProto> nodes = g.nodes();
        Set<String> fromWrt = new HashSet<>();
        for (V v : wrt) fromWrt.add(v.name());
        for (NodeProto n : nodes)
            if (!CONSTANT_OUTPUT.contains(n.getOpType()) && n.getInputList().stream().anyMatch(fromWrt::contains)) fromWrt.addAll(n.getOutputList());
        if (!fromWrt.contains(loss.name())) throw new IllegalArgumentException("the loss " + loss.name() + " does not depend on " + wrt);
        Set<String> toLoss = new HashSet<>(Set.of(loss.name()));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(toLoss::contains))
                for (String in : n.getInputList()) if (!in.isEmpty()) toLoss.add(in);
        }

        VjpRules rules = new VjpRules(g);
        java.util.Set<String> bools = new HashSet<>();
        for (NodeProto n : nodes)
            if (BOOL_OPS.contains(n.getOpType()) || n.getOpType().equals("Cast")
                    && n.getAttributeList().stream().anyMatch(a -> a.getName().equals("to") && a.getI() == 9)
                    || SHAPE_OPS.contains(n.getOpType()) && n.getInputCount() > 0 && bools.contains(n.getInput(0)))
                bools.addAll(n.getOutputList());
        rules.boolValues(bools);
        Map<String, V> grads = new HashMap<>();
        grads.put(loss.name(), rules.onesLike(loss));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            boolean[] need = new boolean[n.getInputCount()];
            boolean any = false;
            for (int k = 0; k < need.length; k++) {
                String in = n.getInput(k);
                need[k] = !in.isEmpty() && fromWrt.contains(in) && toLoss.contains(in);
                any |= need[k];
            }
            if (!any) continue;
            V[] gOut = new V[n.getOutputCount()];
            boolean anyOut = false;
            for (int k = 0; k < gOut.length; k++) {
                gOut[k] = grads.get(n.getOutput(k));
                anyOut |= gOut[k] != null;
            }
            if (!anyOut) continue;
            V[] gIn = rules.vjp(n, gOut, need);
            for (int k = 0; k < need.length; k++) {
                if (!need[k] || gIn[k] == null) continue;
                String in = n.getInput(k);
                V before = grads.get(in);
                grads.put(in, before == null ? gIn[k] : g.add(before, gIn[k]));
            }
        }
        Map<V, V> out = new LinkedHashMap<>();
        for (V v : wrt) {
            V gv = grads.get(v.name());
            out.put(v, gv != null ? gv : rules.zerosLike(v));
        }
        return out;
    }

    /** Convenience: the gradients in {@code wrt}'s order. */
    public static List<V> list(OnnxGraph g, V loss, List<V> wrt) {
        return new ArrayList<>(of(g, loss, wrt).values());
    }
}
