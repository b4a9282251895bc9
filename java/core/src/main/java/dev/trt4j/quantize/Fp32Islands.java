package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the nodes of a model that computes partly in FP16 which compute in FP32 by choice: those that a Cast of a
 * computed FP16 tensor to FP32 feeds, or that feed a Cast of a computed FP32 tensor to FP16, and every FP32 node
 * joined to them by FP32 tensors. {@code convert --fp16 --data} writes such islands around the nodes whose values
 * FP16 cannot hold, which a second conversion without the samples cannot see again: converted to FP16, their values
 * would overflow, and the Cast to FP32 in front of them would become a Cast from FP16 to FP16, which ONNX Runtime's
 * CPU provider then refuses to load. Casts of constants (FP16 weights stored for size, read in FP32) are no such
 * boundary: a model that computes in FP32 from FP16 weights has nothing kept by choice.
 */
final class Fp32Islands {
    private Fp32Islands() {
    }

    /**
     * Indices of the nodes kept in FP32 by choice, empty for a model without Casts between computed FP16 and FP32
     * tensors.
     *
     * @param types element types of every tensor, by name
     */
    static Set<Integer> find(GraphIndex index, Map<String, Integer> types) {
        Deque<String> toVisit = new ArrayDeque<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!n.getOpType().equals("Cast") || !GraphIndex.isDefaultDomain(n.getDomain()) || !isComputed(index,
                    n.getInput(0))) {
                continue;
            }
            Integer from = types.get(n.getInput(0));
            Integer to = ElementTypeInference.castTarget(n);
            if (Objects.equals(from, DataType.FLOAT16_VALUE) && Objects.equals(to, DataType.FLOAT_VALUE)) {
                toVisit.add(n.getOutput(0));
            } else if (Objects.equals(from, DataType.FLOAT_VALUE) && Objects.equals(to, DataType.FLOAT16_VALUE)
                    && !index.consumers(n.getOutput(0)).isEmpty()) {
                toVisit.add(n.getInput(0)); // a Cast to FP16 that only writes a graph output is the model's I/O type
            }
        }
        Set<Integer> kept = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            String tensor = toVisit.poll();
            if (!seen.add(tensor) || !Objects.equals(types.get(tensor), DataType.FLOAT_VALUE)
                    || index.constant(tensor).isPresent()) {
                continue; // constants may be read by unrelated parts of the graph: no bridge between islands
            }
            visit(index, index.producer(tensor), kept, toVisit);
            index.consumers(tensor).forEach(u -> visit(index, u.node(), kept, toVisit));
        }
        return kept;
    }

    /** Keeps node {@code i} and queues the tensors it reads and writes, unless it is a Cast or holds a body. */
    private static void visit(GraphIndex index, int i, Set<Integer> kept, Deque<String> toVisit) {
        if (i < 0 || kept.contains(i)) {
            return;
        }
        NodeProto n = index.node(i);
        if (n.getOpType().equals("Cast") || GraphIndex.isConstantNode(n) || ControlFlow.holdsBody(n)) {
            return; // a Cast is the island's edge; control flow stays FP32 whatever reads it
        }
        kept.add(i);
        n.getInputList().stream().filter(t -> !t.isEmpty()).forEach(toVisit::add);
        n.getOutputList().stream().filter(t -> !t.isEmpty()).forEach(toVisit::add);
    }

    /** Whether {@code tensor} is computed by a node of the graph: not a graph input, initializer or constant. */
    private static boolean isComputed(GraphIndex index, String tensor) {
        return index.producer(tensor) >= 0 && index.constant(tensor).isEmpty();
    }
}
