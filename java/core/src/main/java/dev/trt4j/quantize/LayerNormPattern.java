package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds LayerNorm written out as primitive operators (as PyTorch and Paddle exporters emit it before opset 17):
 * {@code d = x − ReduceMean(x); y = d / Sqrt(ReduceMean(d²) + ε)}. Its statistics must stay FP32: the squared
 * deviations overflow or underflow in FP16, and ε (often 1e-5 or 1e-12) is not representable there.
 */
final class LayerNormPattern {
    private LayerNormPattern() {
    }

    /** Indices of every node that belongs to a decomposed LayerNorm's statistics. */
    static Set<Integer> find(GraphIndex index) {
        Set<Integer> nodes = new TreeSet<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            if (is(index.node(i), "Sqrt")) {
                match(index, i, nodes);
            }
        }
        return nodes;
    }

    private static void match(GraphIndex index, int sqrt, Set<Integer> found) {
        int add = producer(index, index.node(sqrt).getInput(0), "Add");
        if (add < 0) {
            return;
        }
        NodeProto addNode = index.node(add);
        int variance = -1;
        for (int k = 0; k < 2 && k < addNode.getInputCount(); k++) {
            if (index.isConstantDerived(addNode.getInput(1 - k))) {
                variance = producer(index, addNode.getInput(k), "ReduceMean");
            }
        }
        if (variance < 0) {
            return;
        }
        String squaredName = index.node(variance).getInput(0);
        int square = producer(index, squaredName, "Pow");
        if (square < 0) {
            square = producer(index, squaredName, "Mul");
            if (square >= 0 && !index.node(square).getInput(0).equals(index.node(square).getInput(1))) {
                return;
            }
        } else if (!index.isConstantDerived(index.node(square).getInput(1))) {
            return;
        }
        if (square < 0) {
            return;
        }
        String deviation = index.node(square).getInput(0);
        int sub = producer(index, deviation, "Sub");
        if (sub < 0) {
            return;
        }
        int mean = producer(index, index.node(sub).getInput(1), "ReduceMean");
        if (mean < 0 || !index.node(mean).getInput(0).equals(index.node(sub).getInput(0))) {
            return;
        }
        found.addAll(Set.of(mean, sub, square, variance, add, sqrt));
        for (GraphIndex.Use u : index.consumers(index.node(sqrt).getOutput(0))) {
            NodeProto c = index.node(u.node());
            if (is(c, "Div") && c.getInput(0).equals(deviation) || is(c, "Reciprocal")) {
                found.add(u.node());
            }
        }
    }

    /**
     * The statistics of a decomposed LayerNorm whose deviation {@code x − mean} node {@code sub} computes, in the
     * exact form SkipLayerNormFusion rewrites: the deviation read only by its square ({@code Pow} 2) and the
     * {@code Div} by {@code Sqrt(ReduceMean(square) + ε)}, each intermediate read only by the next node.
     *
     * @param variance the ReduceMean of the squares
     * @param division the Div that normalises
     * @param epsilon  ε
     * @param nodes    the square, variance, ε Add, Sqrt and Div nodes
     */
    record Statistics(int variance, int division, float epsilon, List<Integer> nodes) {
    }

    static Optional<Statistics> statistics(GraphIndex index, int sub) {
        String deviation = index.node(sub).getOutput(0);
        List<GraphIndex.Use> uses = index.consumers(deviation);
        if (uses.size() != 2 || index.isGraphOutput(deviation)) {
            return Optional.empty();
        }
        int square = -1;
        int div = -1;
        for (GraphIndex.Use u : uses) {
            NodeProto n = index.node(u.node());
            if (is(n, "Pow") && u.input() == 0 && index.scalarConstant(n.getInput(1)).filter(e -> e == 2f).isPresent()) {
                square = u.node();
            } else if (is(n, "Div") && u.input() == 0) {
                div = u.node();
            }
        }
        if (square < 0 || div < 0) {
            return Optional.empty();
        }
        Optional<Integer> variance = next(index, square, "ReduceMean");
        Optional<Integer> add = variance.flatMap(v -> next(index, v, "Add"));
        Optional<Integer> sqrt = add.flatMap(a -> next(index, a, "Sqrt"));
        if (sqrt.isEmpty() || index.soleReader(index.node(sqrt.get()).getOutput(0)).orElse(-1) != div
                || !index.node(div).getInput(1).equals(index.node(sqrt.get()).getOutput(0))) {
            return Optional.empty();
        }
        NodeProto addNode = index.node(add.get());
        String varianceOut = index.node(variance.get()).getOutput(0);
        String other = addNode.getInput(0).equals(varianceOut) ? addNode.getInput(1) : addNode.getInput(0);
        Optional<Float> epsilon = index.scalarConstant(other);
        if (epsilon.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Statistics(variance.get(), div, epsilon.get(),
                List.of(square, variance.get(), add.get(), sqrt.get(), div)));
    }

    /** The node of type {@code opType} that alone reads node {@code n}'s output. */
    private static Optional<Integer> next(GraphIndex index, int n, String opType) {
        return index.soleReader(index.node(n).getOutput(0)).filter(r -> is(index.node(r), opType));
    }

    private static int producer(GraphIndex index, String tensor, String opType) {
        int p = index.producer(tensor);
        return p >= 0 && is(index.node(p), opType) ? p : -1;
    }

    private static boolean is(NodeProto n, String opType) {
        return n.getOpType().equals(opType) && GraphIndex.isDefaultDomain(n.getDomain());
    }
}
