package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects edits to one graph (nodes to add before or after existing nodes, node inputs to point elsewhere, new
 * initializers) and applies them in one pass that keeps the graph topologically sorted.
 */
final class GraphSplice {
    private final GraphIndex index;
    private final List<NodeProto> atStart = new ArrayList<>();
    private final Map<Integer, List<NodeProto>> before = new HashMap<>();
    private final Map<Integer, List<NodeProto>> after = new HashMap<>();
    private final Map<GraphIndex.Use, String> rewired = new HashMap<>();
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

    void addInitializer(TensorProto t) {
        initializers.add(t);
    }

    /** The edited graph. */
    GraphProto build() {
        List<NodeProto> nodes = new ArrayList<>(atStart);
        for (int i = 0; i < index.nodeCount(); i++) {
            nodes.addAll(before.getOrDefault(i, List.of()));
            NodeProto n = index.node(i);
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
            nodes.add(b == null ? n : b.build());
            nodes.addAll(after.getOrDefault(i, List.of()));
        }
        return index.graph().toBuilder().clearNode().addAllNode(nodes).addAllInitializer(initializers).build();
    }
}
