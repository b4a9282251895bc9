package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static org.assertj.core.api.Assertions.assertThat;

class SharedWeightQuantizationTest {
    private static final long[] SHAPE = {2, 8};

    /** One weight read by two MatMuls and by a Mul (which is not quantized). */
    private static ModelProto model() {
        return new ModelBuilder("shared", 13).input("x", SHAPE).output("y").output("z")
                .initializer("w", new long[] {8, 8}, gaussian(1, 64, 0.5))
                .initializer("two", new long[] {}, new float[] {2f})
                .node("MatMul", "mm1", List.of("x", "w"), List.of("h"))
                .node("MatMul", "mm2", List.of("h", "w"), List.of("y"))
                .node("Mul", "double", List.of("w", "two"), List.of("z"))
                .build();
    }

    @Test
    void bothLayoutsQuantizeTheSharedWeightForTheMatMulsOnly() throws Exception {
        float[] x = gaussian(2, 16, 1.0);
        try (OrtRunner fp32 = new OrtRunner(model())) {
            Map<String, float[]> expected = fp32.run("x", x, SHAPE, List.of("y", "z"));
            for (QuantizationTarget target : QuantizationTarget.values()) {
                QuantizationConfig config = QuantizationConfig.builder().target(target)
                        .reduceRange(target == QuantizationTarget.ONNXRUNTIME_CPU).build();
                ModelProto int8 = new QdqQuantizer(config).quantize(model(), Map.of("x", 3f, "h", 6f, "y", 8f))
                        .model();
                try (OrtRunner q = new OrtRunner(int8)) {
                    Map<String, float[]> actual = q.run("x", x, SHAPE, List.of("y", "z"));
                    assertThat(actual.get("z")).as(target + ": the Mul still reads the FP32 weight")
                            .containsExactly(expected.get("z"));
                    BatchNormFolderTest.assertClose(actual.get("y"), expected.get("y"), 0.1);
                    assertThat(actual.get("y")).as(target + ": quantized").isNotEqualTo(expected.get("y"));
                }
            }
        }
    }
}
