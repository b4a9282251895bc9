package dev.trt4j.quantize;

import dev.trt4j.InvalidOptionException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The runtime a Q/DQ model is laid out for. The arithmetic is the same INT8 grid either way; what differs is where
 * QuantizeLinear/DequantizeLinear sit and in which integer types, because each runtime only turns the patterns it
 * recognises into integer kernels.
 */
public enum QuantizationTarget {
    /**
     * TensorRT's explicit quantization (the default): symmetric INT8 Q/DQ on the data and weight inputs of
     * quantized operators, FP32 weights and biases, no Q/DQ on outputs. TensorRT propagates the scales itself.
     */
    TENSORRT("tensorrt"),
    /**
     * ONNX Runtime's CPU execution provider, which fuses a whole QDQ node unit (DequantizeLinear on every input,
     * QuantizeLinear on the output for Conv) into QLinearConv, QGemm or MatMulIntegerToFloat. Activations are
     * UINT8 (x86 kernels take unsigned activations; zero point 128 is the symmetric INT8 grid), weights are stored as
     * INT8, Conv and Gemm biases as INT32, and Conv outputs get their own Q/DQ pair.
     */
    ONNXRUNTIME_CPU("onnxruntime-cpu");

    private final String cliName;

    QuantizationTarget(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in reports, e.g. {@code onnxruntime-cpu}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The target called {@code name} (case-insensitive).
     *
     * @throws InvalidOptionException listing the known targets if there is none
     */
    public static QuantizationTarget byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.cliName.equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidOptionException("unknown quantization target '" + name + "'; use "
                        + Arrays.stream(values()).map(QuantizationTarget::cliName).collect(Collectors.joining(" or "))));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
