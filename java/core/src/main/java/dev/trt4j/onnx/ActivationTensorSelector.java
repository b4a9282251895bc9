package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the activation tensors to calibrate: float32/float16 tensors that are graph inputs or node outputs of the
 * top-level graph, never weights. Both lists are in graph order (graph inputs first, then node outputs in node
 * order) without duplicates.
 */
final class ActivationTensorSelector {
    private ActivationTensorSelector() {
    }

    /** Every float activation: what TensorRT's implicit INT8 mode calibrates. */
    static List<String> all(GraphProto g, Set<String> weights, Map<String, Integer> types) {
        Set<String> result = new LinkedHashSet<>();
        for (ValueInfoProto input : g.getInputList()) {
            add(result, input.getName(), weights, types);
        }
        for (NodeProto node : g.getNodeList()) {
            for (String out : node.getOutputList()) {
                add(result, out, weights, types);
            }
        }
        return List.copyOf(result);
    }

    /** The float activations that feed a quantized input of a {@link QuantizableOperators} operator. */
    static List<String> quantizable(GraphProto g, Set<String> weights, Map<String, Integer> types) {
        Set<String> consumed = new HashSet<>();
        for (NodeProto node : g.getNodeList()) {
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                continue;
            }
            for (int index : QuantizableOperators.quantizedInputs(node.getOpType())) {
                if (index < node.getInputCount()) {
                    consumed.add(node.getInput(index));
                }
            }
        }
        List<String> result = new ArrayList<>();
        for (String tensor : all(g, weights, types)) {
            if (consumed.contains(tensor)) {
                result.add(tensor);
            }
        }
        return List.copyOf(result);
    }

    private static void add(Set<String> result, String name, Set<String> weights, Map<String, Integer> types) {
        Integer type = types.get(name);
        if (!name.isEmpty() && !weights.contains(name) && type != null && OnnxElementTypes.isCalibratable(type)) {
            result.add(name);
        }
    }
}
