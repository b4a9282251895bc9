package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * CPU provider then refuses to load. Casts of constants (FP16 weights stored for size, read in FP32, transposed or
 * not) and round trips through two Casts are no such boundary: a model that computes in FP32 has nothing kept by
 * choice.
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
        Map<String, Boolean> fromData = new HashMap<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!n.getOpType().equals("Cast") || !GraphIndex.isDefaultDomain(n.getDomain())
                    || !computedFromData(index, n.getInput(0), fromData)) {
                continue;
            }
            Integer from = types.get(n.getInput(0));
            Integer to = ElementTypeInference.castTarget(n);
            if (Objects.equals(from, DataType.FLOAT16_VALUE) && Objects.equals(to, DataType.FLOAT_VALUE)
                    && !isCast(index.node(index.producer(n.getInput(0))))) {
                toVisit.add(n.getOutput(0)); // FP16 computed by a node, not a round trip through Casts
            } else if (Objects.equals(from, DataType.FLOAT_VALUE) && Objects.equals(to, DataType.FLOAT16_VALUE)
                    && index.consumers(n.getOutput(0)).stream().anyMatch(u -> !isCast(index.node(u.node())))) {
                // read by FP16 compute: a Cast to FP16 that only writes a graph output is the model's I/O type, and
                // one read only by a Cast back is a round trip
                toVisit.add(n.getInput(0));
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

    private static boolean isCast(NodeProto n) {
        return n.getOpType().equals("Cast") && GraphIndex.isDefaultDomain(n.getDomain());
    }

    /**
     * Whether {@code tensor} is computed by a node of the graph from the model's inputs: not a graph input, and not
     * made of constants alone (FP16 weights transposed or reshaped before their Cast to FP32 are still storage).
     */
    private static boolean computedFromData(GraphIndex index, String tensor, Map<String, Boolean> memo) {
        return index.producer(tensor) >= 0 && dependsOnData(index, tensor, memo);
    }

    /** Whether {@code tensor} depends on a graph input; iterative, as a deep graph would overflow the stack. */
    private static boolean dependsOnData(GraphIndex index, String tensor, Map<String, Boolean> memo) {
        Deque<String> stack = new ArrayDeque<>();
        stack.push(tensor);
        while (!stack.isEmpty()) {
            String t = stack.peek();
            if (memo.containsKey(t)) {
                stack.pop();
                continue;
            }
            if (index.constant(t).isPresent()) {
                memo.put(t, false);
                stack.pop();
                continue;
            }
            int producer = index.producer(t);
            if (producer < 0) {
                memo.put(t, !t.isEmpty()); // a graph input (an empty name is an absent optional input)
                stack.pop();
                continue;
            }
            List<String> unknown = index.node(producer).getInputList().stream()
                    .filter(in -> !in.isEmpty() && !memo.containsKey(in)).toList();
            if (unknown.isEmpty()) {
                memo.put(t, index.node(producer).getInputList().stream().anyMatch(in -> memo.getOrDefault(in, false)));
                stack.pop();
            } else {
                unknown.forEach(stack::push);
            }
        }
        return memo.get(tensor);
    }
}
