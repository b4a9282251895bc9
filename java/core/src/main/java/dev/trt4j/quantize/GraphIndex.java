package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.onnx.ControlFlow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Who produces and who consumes each tensor of one graph, and which tensors are constants. A snapshot: build a
 * new index after editing the graph.
 */
final class GraphIndex {
    /** One use of a tensor: input {@code input} of node {@code node}; {@code input} is -1 for a use inside a subgraph. */
    record Use(int node, int input) {
    }

    private final GraphProto graph;
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, List<Use>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> constantDerived = new HashSet<>();

    GraphIndex(GraphProto graph) {
        this.graph = graph;
        for (ValueInfoProto v : graph.getInputList()) {
            graphInputs.add(v.getName());
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            graphOutputs.add(v.getName());
        }
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, i);
                }
            }
            for (int k = 0; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, x -> new ArrayList<>()).add(new Use(i, k));
                }
            }
            Set<String> outer = new HashSet<>();
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectReferences(a.getG(), outer);
                }
                for (GraphProto g : a.getGraphsList()) {
                    collectReferences(g, outer);
                }
            }
            for (String name : outer.stream().sorted().toList()) {
                consumers.computeIfAbsent(name, x -> new ArrayList<>()).add(new Use(i, -1));
            }
        }
        // ONNX graphs are topologically sorted, so one forward pass settles every tensor.
        for (NodeProto n : graph.getNodeList()) {
            boolean derived = isConstantNode(n) || (n.getInputCount() > 0
                    && !ControlFlow.holdsBody(n)
                    && n.getInputList().stream().allMatch(in -> in.isEmpty() || isConstantDerived(in)));
            if (derived) {
                n.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(constantDerived::add);
            }
        }
    }

    /** Every tensor name a subgraph reads, including its own (an over-approximation of outer-scope uses). */
    private static void collectReferences(GraphProto g, Set<String> names) {
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    names.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectReferences(a.getG(), names);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectReferences(sub, names);
                }
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            names.add(v.getName());
        }
    }

    /** The tensors node {@code i} reads: its inputs, and what its If/Loop/Scan bodies read from around them. */
    Set<String> reads(int i) {
        NodeProto n = node(i);
        Set<String> read = new HashSet<>();
        n.getInputList().stream().filter(in -> !in.isEmpty()).forEach(read::add);
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                collectReferences(a.getG(), read);
            }
            for (GraphProto g : a.getGraphsList()) {
                collectReferences(g, read);
            }
        }
        return read;
    }

    GraphProto graph() {
        return graph;
    }

    int nodeCount() {
        return graph.getNodeCount();
    }

    NodeProto node(int i) {
        return graph.getNode(i);
    }

    /** Index of the node producing {@code tensor}, or -1 for graph inputs, initializers and unknown names. */
    int producer(String tensor) {
        return producers.getOrDefault(tensor, -1);
    }

    /** Uses of {@code tensor} by nodes of this graph, in node order. */
    List<Use> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    boolean isGraphInput(String tensor) {
        return graphInputs.contains(tensor);
    }

    boolean isGraphOutput(String tensor) {
        return graphOutputs.contains(tensor);
    }

    boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }

    /**
     * The value of {@code tensor} if it is a constant: an initializer that is not also a graph input (which a
     * caller could override), or the output of a {@code Constant} node holding a tensor.
     */
    Optional<TensorProto> constant(String tensor) {
        TensorProto t = initializers.get(tensor);
        if (t != null) {
            return graphInputs.contains(tensor) ? Optional.empty() : Optional.of(t);
        }
        int p = producer(tensor);
        if (p >= 0 && isConstantNode(graph.getNode(p))) {
            return constantNodeValue(graph.getNode(p)).map(v -> v.toBuilder().setName(tensor).build());
        }
        return Optional.empty();
    }

    /** What {@code match} finds at each node index, in graph order: the sites of a rewrite. */
    <T> List<T> matchEach(IntFunction<Optional<T>> match) {
        List<T> found = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            match.apply(i).ifPresent(found::add);
        }
        return found;
    }

    /** The node that alone reads {@code tensor}, if one does and the tensor is not a graph output. */
    Optional<Integer> soleReader(String tensor) {
        List<Use> uses = consumers(tensor);
        return uses.size() == 1 && !isGraphOutput(tensor) ? Optional.of(uses.get(0).node()) : Optional.empty();
    }

    /**
     * The value of {@code tensor} if it is a float constant holding one value at rank 0 or 1. A constant of higher
     * rank could broadcast a reader's output to more axes than its other input has, so rewrites that drop the
     * reader accept only these.
     */
    Optional<Float> scalarConstant(String tensor) {
        return constant(tensor).filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && t.getDimsCount() <= 1 && TensorValues.elementCount(t.getDimsList()) == 1)
                .map(t -> TensorValues.floats(t)[0]);
    }

    /**
     * The bias input of the Add that alone reads {@code tensor} and adds a constant 1-D float tensor of
     * {@code columns} values to it (the form exporters give a Linear layer's bias after its MatMul), if there is one.
     */
    Optional<Use> constantBiasAdd(String tensor, long columns) {
        List<Use> uses = consumers(tensor);
        if (uses.size() != 1 || isGraphOutput(tensor)) {
            return Optional.empty();
        }
        NodeProto add = node(uses.get(0).node());
        if (!add.getOpType().equals("Add") || !isDefaultDomain(add.getDomain()) || add.getInputCount() != 2) {
            return Optional.empty();
        }
        int other = 1 - uses.get(0).input();
        Optional<TensorProto> bias = constant(add.getInput(other));
        boolean fits = bias.isPresent() && bias.get().getDataType() == TensorProto.DataType.FLOAT_VALUE
                && bias.get().getDimsCount() == 1 && bias.get().getDims(0) == columns;
        return fits ? Optional.of(new Use(uses.get(0).node(), other)) : Optional.empty();
    }

    /** True if {@code tensor} is computed from constants only (e.g. a reshaped bias), so it varies with no input. */
    boolean isConstantDerived(String tensor) {
        return constantDerived.contains(tensor) || constant(tensor).isPresent();
    }

    static boolean isConstantNode(NodeProto n) {
        return n.getOpType().equals("Constant") && isDefaultDomain(n.getDomain());
    }

    /**
     * Drops the value_info entries of {@code tensors}, which a rewrite removed from {@code g}: a declared type or
     * shape for a name nothing produces any more would be stale.
     */
    static void dropValueInfo(GraphProto.Builder g, Set<String> tensors) {
        for (int i = g.getValueInfoCount() - 1; i >= 0; i--) {
            if (tensors.contains(g.getValueInfo(i).getName())) {
                g.removeValueInfo(i);
            }
        }
    }

    /** True if {@code n} is the default-domain operator {@code op}. */
    static boolean isDefaultOp(NodeProto n, String op) {
        return n.getOpType().equals(op) && isDefaultDomain(n.getDomain());
    }

    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** The tensor a {@code Constant} node holds, for the forms that carry float data. */
    static Optional<TensorProto> constantNodeValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return Optional.of(a.getT());
                case "value_float":
                    return Optional.of(TensorValues.floatTensor("", List.of(), new float[] {a.getF()}));
                case "value_floats": {
                    float[] v = new float[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return Optional.of(TensorValues.floatTensor("", List.of((long) v.length), v));
                }
                default:
                    break;
            }
        }
        return Optional.empty();
    }

    /** A name for a node in messages and reports: its name, or {@code OpType#index} when it has none. */
    static String label(NodeProto n, int index) {
        return n.getName().isEmpty() ? n.getOpType() + "#" + index : n.getName();
    }

    String label(int index) {
        return label(graph.getNode(index), index);
    }
}
