package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * ONNX Runtime's integer and dynamic-quantization operators, which TensorRT's ONNX parser does not import
 * (onnx-tensorrt's operator matrix for 10.15 marks each one unsupported). A model holding them came from ONNX
 * Runtime's own quantizer or from {@code trt4j quantize --runtime onnxruntime-cpu}; the parser would reject it only
 * after the GPU is up, so the build refuses it first and says which model to build instead.
 */
final class OrtIntegerOperators {
    private static final Set<String> NAMES = Set.of("DynamicQuantizeLinear", "MatMulInteger", "ConvInteger",
            "QLinearConv", "QLinearMatMul", "MatMulIntegerToFloat", "DynamicQuantizeMatMul");

    private OrtIntegerOperators() {
    }

    /**
     * @throws Trt4jException naming the model and how many nodes of each such operator it has
     */
    static void reject(ModelFacts model) {
        Map<String, Integer> found = new TreeMap<>();
        model.onnx().operatorCounts().forEach((op, n) -> {
            if (NAMES.contains(op)) {
                found.put(op, n);
            }
        });
        if (!found.isEmpty()) {
            String counts = found.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", "));
            throw new Trt4jException(model.name() + " has ONNX Runtime integer operators (" + counts + "), which "
                    + "TensorRT's ONNX parser does not import: build the FP32 model (--precision int8 calibrates it), "
                    + "or a Q/DQ model from trt4j quantize without --runtime onnxruntime-cpu");
        }
    }
}
