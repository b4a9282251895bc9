package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.nodes;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;

class ZeroPointShiftAbsorberTest {
    private static final long[] SHAPE = {1, 2, 6, 6};

    private static ModelProto qdq(float step, float shift, boolean convBeforeQ, boolean dequantizedReadTwice) {
        return qdq(step, shift, convBeforeQ, dequantizedReadTwice, 128);
    }

    /** x → Conv → c → Q(step, zero) → DQ → Add(shift) → a → Relu → y, as the ONNX Runtime CPU layout writes it. */
    private static ModelProto qdq(float step, float shift, boolean convBeforeQ, boolean dequantizedReadTwice,
                                  int zero) {
        ModelBuilder m = new ModelBuilder("qdq", 13).input("x", SHAPE).output("y")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.8))
                .initializer("step", new long[] {}, new float[] {step})
                .constant("shift", new long[] {1}, new float[] {shift});
        if (convBeforeQ) {
            m.node("Conv", "producer", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1));
        } else {
            m.node("Relu", "producer", List.of("x"), List.of("c"));
        }
        m.node("QuantizeLinear", "q", List.of("c", "step", "zero"), List.of("cq"))
                .node("DequantizeLinear", "dq", List.of("cq", "step", "zero"), List.of("cd"))
                .node("Add", "shift_add", List.of("cd", "shift"), List.of("a"))
                .node("Relu", "relu", List.of("a"), List.of("y"));
        if (dequantizedReadTwice) {
            m.output("cd");
        }
        ModelProto model = m.build();
        return model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addInitializer(TensorValues.uint8Scalar("zero", zero))).build();
    }

    @Test
    void aShiftOfWholeStepsMovesIntoTheZeroPointAndTheResultIsExact() throws Exception {
        ModelProto model = qdq(0.1f, 1.234f, true, false);
        FoldedModel r = ZeroPointShiftAbsorber.absorb(model);

        assertThat(r.foldedNodes()).containsExactly("shift_add");
        assertThat(nodes(r.model(), "Add")).isEmpty();
        NodeProto dq = nodes(r.model(), "DequantizeLinear").get(0);
        assertThat(dq.getOutputList()).containsExactly("a");
        float step = QdqModels.floats(r.model(), dq.getInput(1))[0];
        assertThat(step).isEqualTo((float) (1.234f / 12.0)); // 12.34 steps of 0.1 → 12 steps of 0.10283
        assertThat(Byte.toUnsignedInt(tensor(r.model(), dq.getInput(2)).getRawData().byteAt(0))).isEqualTo(116);
        NodeProto q = nodes(r.model(), "QuantizeLinear").get(0);
        assertThat(Byte.toUnsignedInt(tensor(r.model(), q.getInput(2)).getRawData().byteAt(0))).isEqualTo(128);

        // The same model with the new step and the Add kept: equal up to float rounding.
        ModelProto sameGrid = qdq(step, 1.234f, true, false);
        float[] x = gaussian(7, 72, 1.5);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                OrtRunner.runOnce(sameGrid, "x", x, SHAPE, "y"), 1e-6);
    }

    @Test
    void aNegativeShiftRaisesTheZeroPointAndAnUnsignedGridTakesOnlyThat() throws Exception {
        float[] x = gaussian(8, 72, 1.5);
        for (int zero : new int[] {128, 0}) {
            ModelProto model = qdq(0.1f, -1.234f, true, false, zero);
            FoldedModel r = ZeroPointShiftAbsorber.absorb(model);

            assertThat(r.foldedNodes()).as("zero point %d", zero).containsExactly("shift_add");
            NodeProto dq = nodes(r.model(), "DequantizeLinear").get(0);
            assertThat(TensorValues.uint8Value(tensor(r.model(), dq.getInput(2)))).isEqualTo(zero + 12);
            float step = QdqModels.floats(r.model(), dq.getInput(1))[0];
            BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                    OrtRunner.runOnce(qdq(step, -1.234f, true, false, zero), "x", x, SHAPE, "y"), 1e-6);
        }
        assertThat(ZeroPointShiftAbsorber.absorb(qdq(0.1f, 1.234f, true, false, 0)).foldedNodes())
                .as("zero point 0 − 12 is not UINT8").isEmpty();
    }

    @Test
    void shiftsItCannotTakeExactlyOrSafelyAreLeftAlone() {
        Map<String, ModelProto> cases = new LinkedHashMap<>();
        cases.put("3 steps: the step would move by up to a sixth", qdq(0.1f, 0.3f, true, false));
        cases.put("140 steps: the zero point would leave UINT8", qdq(0.1f, -14f, true, false));
        cases.put("the dequantized tensor is read twice", qdq(0.1f, 1.234f, true, true));
        cases.put("no Conv writes the quantized tensor", qdq(0.1f, 1.234f, false, false));
        cases.forEach((name, model) -> {
            FoldedModel r = ZeroPointShiftAbsorber.absorb(model);
            assertThat(r.foldedNodes()).as(name).isEmpty();
            assertThat(r.model()).as(name).isSameAs(model);
        });
    }
}
