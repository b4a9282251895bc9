package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects edits to one graph (nodes to add before or after existing nodes, to replace or to remove, node inputs to
 * point elsewhere, new initializers) and applies them in one pass that keeps the graph topologically sorted. The
 * constants that only replaced or removed nodes read go with them, and so do the value_info entries of tensors that
 * no node writes any more.
 */
final class GraphSplice {
    private final GraphIndex index;
    private final List<NodeProto> atStart = new ArrayList<>();
    private final Map<Integer, List<NodeProto>> before = new HashMap<>();
    private final Map<Integer, List<NodeProto>> after = new HashMap<>();
    private final Map<GraphIndex.Use, String> rewired = new HashMap<>();
    private final Map<Integer, NodeProto> replacements = new HashMap<>();
    private final Set<Integer> removed = new HashSet<>();
    private final List<TensorProto> initializers = new ArrayList<>();

    GraphSplice(GraphIndex index) {
        this.index = index;
    }

    /** Adds nodes right after the producer of {@code tensor}, or at the start for graph inputs and constants. */
    void afterProducer(String tensor, List<NodeProto> nodes) {
        int p = index.producer(tensor);
        (p < 0 ? atStart : after.computeIfAbsent(p, x -> new ArrayList<>())).addAll(nodes);
    }

    /** Adds nodes right before the earliest of {@code uses}. */
    void beforeFirst(List<GraphIndex.Use> uses, List<NodeProto> nodes) {
        int first = uses.stream().mapToInt(GraphIndex.Use::node).min().orElseThrow();
        before.computeIfAbsent(first, x -> new ArrayList<>()).addAll(nodes);
    }

    /** Makes each of {@code uses} read {@code tensor} instead. */
    void rewire(List<GraphIndex.Use> uses, String tensor) {
        uses.forEach(u -> rewired.put(u, tensor));
    }

    /** Puts {@code node} in the place of node {@code i}, as it is: inputs rewired elsewhere do not apply to it. */
    void replace(int i, NodeProto node) {
        replacements.put(i, node);
    }

    /** Drops node {@code i}. */
    void remove(int i) {
        removed.add(i);
    }

    void addInitializer(TensorProto t) {
        initializers.add(t);
    }

    /** The edited graph. */
    GraphProto build() {
        List<NodeProto> nodes = new ArrayList<>(atStart);
        Set<String> superseded = new HashSet<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            nodes.addAll(before.getOrDefault(i, List.of()));
            NodeProto n = index.node(i);
            if (removed.contains(i) || replacements.containsKey(i)) {
                superseded.addAll(n.getInputList());
            }
            if (replacements.containsKey(i)) {
                nodes.add(replacements.get(i));
            } else if (!removed.contains(i)) {
                nodes.add(rewired(i, n));
            }
            nodes.addAll(after.getOrDefault(i, List.of()));
        }
        GraphProto.Builder g = index.graph().toBuilder().clearNode().addAllNode(nodes).addAllInitializer(initializers);
        if (!superseded.isEmpty()) {
            UnusedConstants.remove(g, superseded);
        }
        Set<String> vanished = new HashSet<>();
        index.graph().getNodeList().forEach(n -> vanished.addAll(n.getOutputList()));
        nodes.forEach(n -> vanished.removeAll(n.getOutputList()));
        GraphIndex.dropValueInfo(g, vanished);
        return g.build();
    }

    private NodeProto rewired(int i, NodeProto n) {
        NodeProto.Builder b = null;
        for (int k = 0; k < n.getInputCount(); k++) {
            String r = rewired.get(new GraphIndex.Use(i, k));
            if (r != null) {
                if (b == null) {
                    b = n.toBuilder();
                }
                b.setInput(k, r);
            }
        }
        return b == null ? n : b.build();
    }
}
