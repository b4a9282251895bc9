package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.onnx.OnnxModel;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The operators that mark a model as quantized already: Q/DQ pairs, and ONNX Runtime's dynamic and integer kernels.
 * Such a model's ranges are those of its integer graph and its weights are integers, so calibrating, equalizing or
 * quantizing it again is not what its user meant.
 */
public final class QuantizedOperators {
    private static final Set<String> NAMES = Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
            "MatMulInteger", "ConvInteger", "QLinearConv", "QLinearMatMul", "MatMulIntegerToFloat",
            "DynamicQuantizeMatMul");

    private QuantizedOperators() {
    }

    /** How many nodes of each such operator {@code model} has, by name in alphabetical order; empty for none. */
    public static Map<String, Integer> in(OnnxModel model) {
        Map<String, Integer> found = new TreeMap<>();
        model.operatorCounts().forEach((op, n) -> {
            if (NAMES.contains(op)) {
                found.put(op, n);
            }
        });
        return found;
    }

    /** As {@link #in(OnnxModel)}, for a model not loaded from a file; If/Loop/Scan bodies count too. */
    public static Map<String, Integer> in(ModelProto model) {
        Map<String, Integer> found = new TreeMap<>();
        count(model.getGraph(), found);
        return found;
    }

    /** {@code counts} in words, such as {@code 24 DynamicQuantizeLinear, 36 MatMulInteger}. */
    public static String describe(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static void count(GraphProto g, Map<String, Integer> found) {
        for (NodeProto n : g.getNodeList()) {
            if (NAMES.contains(n.getOpType())) {
                found.merge(n.getOpType(), 1, Integer::sum);
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    count(a.getG(), found);
                }
                a.getGraphsList().forEach(sub -> count(sub, found));
            }
        }
    }
}
