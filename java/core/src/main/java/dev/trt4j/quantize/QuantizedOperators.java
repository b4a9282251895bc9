package dev.trt4j.quantize;

import dev.trt4j.onnx.OnnxModel;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
}
