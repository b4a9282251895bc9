package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.quantize.QuantizedOperators;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ONNX Runtime's integer and dynamic-quantization operators, which TensorRT's ONNX parser does not import
 * (onnx-tensorrt's operator matrix for 10.15 marks each one unsupported). A model holding them came from ONNX
 * Runtime's own quantizer or from {@code trt4j quantize --runtime onnxruntime-cpu}; the parser would reject it only
 * after the GPU is up, so the build refuses it first and says which model to build instead.
 */
final class OrtIntegerOperators {
    /** Of {@link QuantizedOperators}' operators, those TensorRT imports: its explicit INT8. */
    private static final Set<String> TENSORRT_QDQ = Set.of("QuantizeLinear", "DequantizeLinear");

    private OrtIntegerOperators() {
    }

    /**
     * @throws Trt4jException naming the model and how many nodes of each such operator it has
     */
    static void reject(ModelFacts model) {
        Map<String, Integer> found = new TreeMap<>(QuantizedOperators.in(model.onnx()));
        found.keySet().removeAll(TENSORRT_QDQ);
        if (!found.isEmpty()) {
            throw new Trt4jException(model.name() + " has ONNX Runtime integer operators ("
                    + QuantizedOperators.describe(found) + "), which TensorRT's ONNX parser does not import: build "
                    + "the FP32 model (--precision int8 calibrates it), or a Q/DQ model from trt4j quantize without "
                    + "--runtime onnxruntime-cpu");
        }
    }
}
