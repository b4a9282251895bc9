package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where Q/DQ goes on each operator TensorRT runs in INT8: on the inputs (data and weights), never the outputs;
 * biases stay FP32 (TensorRT quantizes them itself). Weights are quantized per output channel along {@link
 * #weightAxis}. The pooling operators are optional: TensorRT propagates Q/DQ through them, so quantizing their
 * input only matters for a pooling layer that has no quantized neighbour.
 */
enum QuantizableOp {
    CONV("Conv", 0, 1),
    CONV_TRANSPOSE("ConvTranspose", 0, 1),
    GEMM("Gemm", 0, 1),
    MATMUL("MatMul", 0, 1),
    MAX_POOL("MaxPool", 0),
    AVERAGE_POOL("AveragePool", 0),
    GLOBAL_AVERAGE_POOL("GlobalAveragePool", 0);

    private final String opType;
    private final int[] inputs;

    QuantizableOp(String opType, int... inputs) {
        this.opType = opType;
        this.inputs = inputs;
    }

    String opType() {
        return opType;
    }

    /** Input positions that get Q/DQ. */
    int[] quantizedInputs() {
        return inputs.clone();
    }

    /**
     * The output-channel axis of a constant of rank {@code rank} at input {@code position}, or -1 when it takes
     * one scale (a constant where data is expected, or a rank that has no channel axis).
     */
    int weightAxis(NodeProto node, int position, int rank) {
        if (position != 1 || rank < 2) {
            return -1;
        }
        return switch (this) {
            case CONV -> 0;                           // [Cout, Cin/g, k...]
            case CONV_TRANSPOSE -> 1;                 // [Cin, Cout/g, k...]
            case GEMM -> Attributes.getInt(node, "transB", 0) != 0 ? 0 : 1; // B is [N, K] or [K, N]
            // [in, out]; a batched weight [b, in, out] takes one scale: a scale per column would span the batches,
            // and ONNX Runtime's MatMulIntegerToFloat fusion refuses a per-axis B of rank 3 or more
            case MATMUL -> rank == 2 ? 1 : -1;
            default -> -1;
        };
    }

    static Optional<QuantizableOp> of(String opType) {
        return Arrays.stream(values()).filter(o -> o.opType.equals(opType)).findFirst();
    }
}
