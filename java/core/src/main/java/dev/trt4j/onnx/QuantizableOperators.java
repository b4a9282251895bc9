package dev.trt4j.onnx;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX operators whose inputs trt4j quantizes to INT8, and which of their inputs carry activations. This is
 * the one place that decides it: activation calibration ({@link OnnxModel#quantizableActivationTensors()}) and
 * Q/DQ placement both read it.
 *
 * <p>The set is NVIDIA ModelOpt's INT8 list (Add, AveragePool, BatchNormalization, Clip, Conv, ConvTranspose,
 * Gemm, GlobalAveragePool, MatMul, MaxPool, Mul): the compute operators TensorRT runs in INT8, plus the pooling,
 * normalisation and element-wise operators it fuses with them (a quantized residual {@code Add} lets a convolution
 * stay INT8 end to end). ONNX Runtime's default QDQ list also quantizes data-movement and activation operators
 * (Reshape, Transpose, Concat, Relu, Sigmoid, Softmax, ...); ModelOpt removes those, because TensorRT gains
 * nothing from quantizing them, and so does trt4j. Q/DQ go on the inputs of these operators, not on their outputs
 * (NVIDIA's placement).
 *
 * <p>Only the default ONNX domain counts. Bias, scale, mean, variance and clip bounds are not activations.
 */
final class QuantizableOperators {
    /** Operator type → indices of its inputs that are quantized (data and weight, not bias or parameters). */
    private static final Map<String, List<Integer>> ACTIVATION_INPUTS = Map.ofEntries(
            Map.entry("Conv", List.of(0, 1)),
            Map.entry("ConvTranspose", List.of(0, 1)),
            Map.entry("Gemm", List.of(0, 1)),
            Map.entry("MatMul", List.of(0, 1)),
            Map.entry("Add", List.of(0, 1)),
            Map.entry("Mul", List.of(0, 1)),
            Map.entry("AveragePool", List.of(0)),
            Map.entry("GlobalAveragePool", List.of(0)),
            Map.entry("MaxPool", List.of(0)),
            Map.entry("BatchNormalization", List.of(0)),
            Map.entry("Clip", List.of(0)));

    private QuantizableOperators() {
    }

    /** The quantizable operator types. */
    public static Set<String> opTypes() {
        return ACTIVATION_INPUTS.keySet();
    }

    /** True if {@code opType} (default ONNX domain) is quantized. */
    public static boolean isQuantizable(String opType) {
        return ACTIVATION_INPUTS.containsKey(opType);
    }

    /**
     * Indices of the inputs of {@code opType} that are quantized: the data input and, for Conv, ConvTranspose,
     * Gemm, MatMul, Add and Mul, the second operand too (a weight when it is constant). Empty for other operators.
     */
    public static List<Integer> quantizedInputs(String opType) {
        return ACTIVATION_INPUTS.getOrDefault(opType, List.of());
    }
}
