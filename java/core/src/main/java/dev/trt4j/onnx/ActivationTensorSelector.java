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
 * top-level graph and not constant (see {@link #constants}). Both lists are in graph order (graph inputs first,
 * then node outputs in node order) without duplicates.
 */
final class ActivationTensorSelector {
    /** Operators whose output is not a function of their inputs, so never constant. */
    private static final Set<String> NOT_FOLDABLE = Set.of("Bernoulli", "If", "Loop", "Multinomial", "RandomNormal",
            "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Scan");
    /** com.microsoft operators whose output is constant when their inputs are. */
    private static final Set<String> MICROSOFT_FOLDABLE = Set.of("QuantizeLinear", "DequantizeLinear");

    private ActivationTensorSelector() {
    }

    /**
     * The weights plus every tensor computed from weights alone (e.g. PaddlePaddle's {@code Reshape} of a bias
     * constant): values that are the same for every input, which TensorRT folds into weights.
     */
    static Set<String> constants(GraphProto g, Set<String> weights) {
        Set<String> constant = new HashSet<>(weights);
        for (NodeProto node : g.getNodeList()) {
            boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")
                    // ONNX Runtime's own Q/DQ of a constant weight is a constant too, not an activation
                    || node.getDomain().equals("com.microsoft") && MICROSOFT_FOLDABLE.contains(node.getOpType());
            if (!standard || NOT_FOLDABLE.contains(node.getOpType()) || node.getInputCount() == 0) {
                continue;
            }
            boolean allConstant = true;
            for (String in : node.getInputList()) {
                allConstant &= in.isEmpty() || constant.contains(in);
            }
            if (allConstant) {
                node.getOutputList().forEach(constant::add);
            }
        }
        return constant;
    }

    /** Every float activation: what TensorRT's implicit INT8 mode calibrates. */
    static List<String> all(GraphProto g, Set<String> constants, Map<String, Integer> types) {
        Set<String> result = new LinkedHashSet<>();
        for (ValueInfoProto input : g.getInputList()) {
            add(result, input.getName(), constants, types);
        }
        for (NodeProto node : g.getNodeList()) {
            for (String out : node.getOutputList()) {
                add(result, out, constants, types);
            }
        }
        return List.copyOf(result);
    }

    /** The float activations that feed a quantized input of a {@link QuantizableOperators} operator. */
    static List<String> quantizable(GraphProto g, Set<String> constants, Map<String, Integer> types) {
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
        for (String tensor : all(g, constants, types)) {
            if (consumed.contains(tensor)) {
                result.add(tensor);
            }
        }
        return List.copyOf(result);
    }

    private static void add(Set<String> result, String name, Set<String> constants, Map<String, Integer> types) {
        Integer type = types.get(name);
        if (!name.isEmpty() && !constants.contains(name) && type != null && OnnxElementTypes.isCalibratable(type)) {
            result.add(name);
        }
    }
}
