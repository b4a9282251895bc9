package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.ModelBuilder.uniform;
import static org.assertj.core.api.Assertions.assertThat;

class QdqBypassTest {
    private static final long[] SHAPE = {2, 2, 5, 5};

    private static ModelProto fp32() {
        return new ModelBuilder("two", 13).input("x", 2, 2, 5, 5).output("y")
                .initializer("w1", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5))
                .initializer("b1", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .initializer("w2", new long[] {2, 3, 1, 1}, gaussian(8, 6, 0.5))
                .node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("h"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", List.of("h"), List.of("r"))
                .node("Conv", "conv2", List.of("r", "w2"), List.of("y")).build();
    }

    @Test
    void computesWhatTheModelDidBeforeQuantization() throws Exception {
        ModelProto fp32 = fp32();
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(fp32, Map.of("x", 1f, "r", 2f))
                .model();
        float[] x = uniform(3, 100, -2, 2);

        ModelProto bypassed = QdqBypass.fp32Of(q);

        try (OrtRunner reference = new OrtRunner(fp32); OrtRunner quantized = new OrtRunner(q);
             OrtRunner candidate = new OrtRunner(bypassed)) {
            float[] want = reference.run("x", x, SHAPE, "y");
            float[] got = candidate.run("x", x, SHAPE, "y");
            float[] rounded = quantized.run("x", x, SHAPE, "y");
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as("value %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            // The quantized model itself is further off: the test would notice a bypass that left rounding in.
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(rounded[i] - want[i]));
            }
            assertThat(worst).isGreaterThan(1e-3);
        }
        // Nothing reads the Q/DQ pairs any more, but they are still there: only the readers changed.
        assertThat(bypassed.getGraph().getNodeCount()).isEqualTo(q.getGraph().getNodeCount());
        assertThat(bypassed.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Conv"))
                .allSatisfy(n -> assertThat(n.getInput(0)).isIn("x", "r"));
    }
}
