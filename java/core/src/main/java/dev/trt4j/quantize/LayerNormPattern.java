package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

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

    private static int producer(GraphIndex index, String tensor, String opType) {
        int p = index.producer(tensor);
        return p >= 0 && is(index.node(p), opType) ? p : -1;
    }

    private static boolean is(NodeProto n, String opType) {
        return n.getOpType().equals(opType) && GraphIndex.isDefaultDomain(n.getDomain());
    }
}
