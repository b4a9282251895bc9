package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.List;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.ModelBuilder.uniform;

/** The small models the quantization tests share. */
final class TinyModels {
    static final long[] RESIDUAL_INPUT = {1, 4, 8, 8};

    private TinyModels() {
    }

    /**
     * x → Conv1+BN1 → Relu (r) → Conv2+BN2 → Add(·, r) → Relu → GlobalAveragePool → Flatten → Gemm(transB=1) →
     * logits. Channel 3 of Conv2's weights is all zeros. Weights (not BN parameters) live in initializers or in
     * Constant nodes.
     */
    static ModelProto residual(long opset, boolean weightsInConstants) {
        ModelBuilder m = new ModelBuilder("residual", opset).input("x", RESIDUAL_INPUT).output("logits");
        float[] w2 = gaussian(2, 8 * 8 * 9, 0.15);
        for (int k = 3 * 72; k < 4 * 72; k++) {
            w2[k] = 0f;
        }
        weight(m, weightsInConstants, "w1", new long[] {8, 4, 3, 3}, gaussian(1, 8 * 4 * 9, 0.25));
        weight(m, weightsInConstants, "b1", new long[] {8}, gaussian(11, 8, 0.1));
        weight(m, weightsInConstants, "w2", new long[] {8, 8, 3, 3}, w2);
        weight(m, weightsInConstants, "wf", new long[] {3, 8}, gaussian(3, 24, 0.5));
        weight(m, weightsInConstants, "bf", new long[] {3}, gaussian(4, 3, 0.1));
        batchNorm(m, "bn1", 20);
        batchNorm(m, "bn2", 30);
        m.node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("c1"), ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1));
        m.node("BatchNormalization", "bn1", List.of("c1", "bn1_scale", "bn1_bias", "bn1_mean", "bn1_var"),
                List.of("bn1_out"));
        m.node("Relu", "relu1", List.of("bn1_out"), List.of("r"));
        m.node("Conv", "conv2", List.of("r", "w2"), List.of("c2"), ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1));
        m.node("BatchNormalization", "bn2", List.of("c2", "bn2_scale", "bn2_bias", "bn2_mean", "bn2_var"),
                List.of("bn2_out"));
        m.node("Add", "add", List.of("bn2_out", "r"), List.of("s"));
        m.node("Relu", "relu2", List.of("s"), List.of("y"));
        m.node("GlobalAveragePool", "pool", List.of("y"), List.of("g"));
        m.node("Flatten", "flatten", List.of("g"), List.of("f"));
        m.node("Gemm", "fc", List.of("f", "wf", "bf"), List.of("logits"), integer("transB", 1));
        return m.build();
    }

    private static void weight(ModelBuilder m, boolean inConstant, String name, long[] dims, float[] v) {
        if (inConstant) {
            m.constant(name, dims, v);
        } else {
            m.initializer(name, dims, v);
        }
    }

    private static void batchNorm(ModelBuilder m, String name, long seed) {
        m.initializer(name + "_scale", new long[] {8}, uniform(seed, 8, 0.5, 1.5));
        m.initializer(name + "_bias", new long[] {8}, gaussian(seed + 1, 8, 0.1));
        m.initializer(name + "_mean", new long[] {8}, gaussian(seed + 2, 8, 0.1));
        m.initializer(name + "_var", new long[] {8}, uniform(seed + 3, 8, 0.5, 2.0));
    }

    /** x [2, 16] → MatMul(x, w [16, 6]) → y; the weight is stored [in, out]. */
    static ModelProto matMul(long opset) {
        return new ModelBuilder("matmul", opset).input("x", 2, 16).output("y")
                .initializer("w", new long[] {16, 6}, gaussian(5, 96, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("y")).build();
    }

    /** x [2, 16] → Gemm(x, w, b) → y with {@code transB} 0 (w [16, 6]) or 1 (w [6, 16]). */
    static ModelProto gemm(long opset, boolean transB) {
        long[] dims = transB ? new long[] {6, 16} : new long[] {16, 6};
        return new ModelBuilder("gemm", opset).input("x", 2, 16).output("y")
                .initializer("w", dims, gaussian(6, 96, 0.3))
                .initializer("b", new long[] {6}, gaussian(7, 6, 0.1))
                .node("Gemm", "fc", List.of("x", "w", "b"), List.of("y"), integer("transB", transB ? 1 : 0))
                .build();
    }

    /** x [1, 4, 5, 5] → ConvTranspose(w [4, 3, 3, 3]) → y [1, 3, 7, 7]. */
    static ModelProto convTranspose(long opset) {
        return new ModelBuilder("deconv", opset).input("x", 1, 4, 5, 5).output("y")
                .initializer("w", new long[] {4, 3, 3, 3}, gaussian(8, 108, 0.3))
                .node("ConvTranspose", "deconv", List.of("x", "w"), List.of("y"), ints("kernel_shape", 3, 3))
                .build();
    }
}
