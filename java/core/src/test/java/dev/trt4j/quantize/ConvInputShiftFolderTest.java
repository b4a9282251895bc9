package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.ModelBuilder.text;
import static dev.trt4j.quantize.QdqModels.nodes;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConvInputShiftFolderTest {
    private static final long[] SHAPE = {1, 4, 5, 5};
    private static final float STEP = 0.1f;
    /** Grouped (two groups of two channels), with weight sums large enough that a fraction of a step shows. */
    private static final byte[] WEIGHTS = {60, 50, -70, -40, 90, 30, 20, 100};
    private static final float[] WEIGHT_SCALES = {0.02f, 0.03f, 0.01f, 0.05f};
    private static final int[] BIAS = {100, -200, 50, 0};

    /** How a test model departs from the layout's x → Add(shift) → Q → DQ → Conv(INT8 W, INT32 bias) → y. */
    private record Variant(float shift, int zero, long pad, String autoPad, boolean bias, boolean dequantizedReadTwice,
                           boolean secondConv) {
        static Variant of(float shift) {
            return new Variant(shift, 128, 0, "NOTSET", true, false, false);
        }

        Variant zero(int z) {
            return new Variant(shift, z, pad, autoPad, bias, dequantizedReadTwice, secondConv);
        }

        Variant pad(long p) {
            return new Variant(shift, zero, p, autoPad, bias, dequantizedReadTwice, secondConv);
        }

        Variant autoPad(String a) {
            return new Variant(shift, zero, pad, a, bias, dequantizedReadTwice, secondConv);
        }

        Variant noBias() {
            return new Variant(shift, zero, pad, autoPad, false, dequantizedReadTwice, secondConv);
        }

        Variant reluReadsTheDequantized() {
            return new Variant(shift, zero, pad, autoPad, bias, true, secondConv);
        }

        Variant secondConvReadsTheDequantized() {
            return new Variant(shift, zero, pad, autoPad, bias, dequantizedReadTwice, true);
        }
    }

    private static ModelProto qdq(Variant v) {
        float[] biasScales = new float[4];
        for (int o = 0; o < 4; o++) {
            biasScales[o] = STEP * WEIGHT_SCALES[o];
        }
        List<String> convInputs = new ArrayList<>(List.of("ad", "wd"));
        if (v.bias()) {
            convInputs.add("bd");
        }
        ModelBuilder m = new ModelBuilder("shift", 13).input("x", SHAPE).output("y")
                .constant("shift", new long[] {1}, new float[] {v.shift()})
                .initializer("step", new long[] {}, new float[] {STEP})
                .initializer("w_scale", new long[] {4}, WEIGHT_SCALES)
                .initializer("b_scale", new long[] {4}, biasScales)
                .node("Add", "shift_add", List.of("x", "shift"), List.of("a"))
                .node("QuantizeLinear", "q", List.of("a", "step", "zero"), List.of("aq"))
                .node("DequantizeLinear", "dq", List.of("aq", "step", "zero"), List.of("ad"))
                .node("DequantizeLinear", "w_dq", List.of("w", "w_scale", "w_zero"), List.of("wd"), integer("axis", 0))
                .node("DequantizeLinear", "b_dq", List.of("b", "b_scale", "b_zero"), List.of("bd"), integer("axis", 0))
                .node("Conv", "conv", convInputs, List.of("y"), ints("kernel_shape", 1, 1), integer("group", 2),
                        v.autoPad().equals("NOTSET") ? ints("pads", v.pad(), v.pad(), v.pad(), v.pad())
                                : text("auto_pad", v.autoPad()));
        if (v.dequantizedReadTwice()) {
            m.node("Relu", "relu", List.of("ad"), List.of("r")).output("r");
        }
        if (v.secondConv()) {
            // the same weights, its own bias
            m.node("DequantizeLinear", "b2_dq", List.of("b", "b_scale", "b_zero"), List.of("bd2"), integer("axis", 0))
                    .node("Conv", "conv2", List.of("ad", "wd", "bd2"), List.of("y2"), ints("kernel_shape", 1, 1),
                            integer("group", 2)).output("y2");
        }
        ModelProto model = m.build();
        GraphProto.Builder g = model.getGraph().toBuilder()
                .addInitializer(TensorValues.uint8Scalar("zero", v.zero()))
                .addInitializer(TensorValues.int8Tensor("w", List.of(4L, 2L, 1L, 1L), WEIGHTS))
                .addInitializer(TensorValues.int8Zeros("w_zero", List.of(4L)))
                .addInitializer(TensorValues.int32Tensor("b", List.of(4L), BIAS))
                .addInitializer(TensorValues.int32Tensor("b_zero", List.of(4L), new int[4]));
        return model.toBuilder().setGraph(g).build();
    }

    /** The same Conv in float, with the dequantized weights and bias: {@code Conv(W, x + shift) + b}. */
    private static ModelProto reference(float shift) {
        float[] w = new float[WEIGHTS.length];
        float[] b = new float[4];
        for (int o = 0; o < 4; o++) {
            b[o] = BIAS[o] * STEP * WEIGHT_SCALES[o];
            for (int i = 0; i < 2; i++) {
                w[2 * o + i] = WEIGHTS[2 * o + i] * WEIGHT_SCALES[o];
            }
        }
        return new ModelBuilder("reference", 13).input("x", SHAPE).output("y")
                .constant("shift", new long[] {1}, new float[] {shift})
                .initializer("w", new long[] {4, 2, 1, 1}, w).initializer("b", new long[] {4}, b)
                .node("Add", "shift_add", List.of("x", "shift"), List.of("a"))
                .node("Conv", "conv", List.of("a", "w", "b"), List.of("y"), ints("kernel_shape", 1, 1),
                        integer("group", 2)).build();
    }

    /** Inputs on the grid, from −3 to 3, so that 0.4 of a step never meets a rounding tie. */
    private static float[] onGrid() {
        float[] x = new float[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37) % 61 - 30) * STEP;
        }
        return x;
    }

    @Test
    void wholeStepsGoIntoTheQuantizeZeroPointAndTheFractionIntoTheBias() throws Exception {
        ModelProto model = qdq(Variant.of(0.34f));
        FoldedModel r = ConvInputShiftFolder.fold(model);

        assertThat(r.foldedNodes()).containsExactly("shift_add");
        assertThat(nodes(r.model(), "Add")).isEmpty();
        NodeProto q = nodes(r.model(), "QuantizeLinear").get(0);
        assertThat(q.getInput(0)).isEqualTo("x");
        assertThat(TensorValues.uint8Value(tensor(r.model(), q.getInput(2)))).isEqualTo(131);
        NodeProto dq = nodes(r.model(), "DequantizeLinear").stream().filter(n -> n.getName().equals("dq"))
                .findFirst().orElseThrow();
        assertThat(TensorValues.uint8Value(tensor(r.model(), dq.getInput(2)))).as("the Conv's grid").isEqualTo(128);

        // With the shift quantized, 0.04 of it (0.4 of a step) was lost; folded, the Conv adds it through its bias.
        float[] x = onGrid();
        float[] expected = OrtRunner.runOnce(reference(0.34f), "x", x, SHAPE, "y");
        float[] folded = OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y");
        float[] before = OrtRunner.runOnce(model, "x", x, SHAPE, "y");
        double largestLoss = 0;
        for (int i = 0; i < expected.length; i++) {
            // the INT32 bias rounds to half of its step, STEP × 0.05 at most
            assertThat(folded[i]).as("element %d", i).isCloseTo(expected[i], within(0.0026f));
            largestLoss = Math.max(largestLoss, Math.abs(before[i] - expected[i]));
        }
        assertThat(largestLoss).as("what the quantized shift lost").isGreaterThan(0.2);
    }

    @Test
    void aShiftOfWholeStepsComputesWhatTheAddDid() throws Exception {
        for (float shift : new float[] {0.3f, -0.5f}) {
            ModelProto model = qdq(Variant.of(shift));
            FoldedModel r = ConvInputShiftFolder.fold(model);

            assertThat(r.foldedNodes()).as("shift %s", shift).containsExactly("shift_add");
            float[] x = ModelBuilder.gaussian(5, 100, 1.5);
            BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                    OrtRunner.runOnce(model, "x", x, SHAPE, "y"), 1e-5);
        }
    }

    @Test
    void shiftsItCannotFoldExactlyAreLeftAlone() {
        Map<String, ModelProto> cases = new LinkedHashMap<>();
        cases.put("the Conv pads, so its border would count the shift", qdq(Variant.of(0.34f).pad(1)));
        cases.put("the Conv pads the same (auto_pad)", qdq(Variant.of(0.34f).autoPad("SAME_UPPER")));
        cases.put("the Conv has no bias to take it", qdq(Variant.of(0.34f).noBias()));
        cases.put("a Relu reads the dequantized tensor too", qdq(Variant.of(0.34f).reluReadsTheDequantized()));
        cases.put("zero point 0 − 3 is not UINT8", qdq(Variant.of(-0.34f).zero(0)));
        cases.put("zero point 254 + 3 is not UINT8", qdq(Variant.of(0.34f).zero(254)));
        cases.forEach((name, model) -> {
            FoldedModel r = ConvInputShiftFolder.fold(model);
            assertThat(r.foldedNodes()).as(name).isEmpty();
            assertThat(r.model()).as(name).isSameAs(model);
        });
    }

    @Test
    void everyConvReadingTheTensorGetsItsOwnCorrectionAndValidPaddingIsNone() throws Exception {
        ModelProto model = qdq(Variant.of(0.34f).autoPad("VALID").secondConvReadsTheDequantized());
        FoldedModel r = ConvInputShiftFolder.fold(model);

        assertThat(r.foldedNodes()).containsExactly("shift_add");
        float[] x = onGrid();
        float[] expected = OrtRunner.runOnce(reference(0.34f), "x", x, SHAPE, "y");
        try (OrtRunner folded = new OrtRunner(r.model())) {
            Map<String, float[]> out = folded.run("x", x, SHAPE, List.of("y", "y2"));
            for (String y : List.of("y", "y2")) {
                for (int i = 0; i < expected.length; i++) {
                    assertThat(out.get(y)[i]).as("%s[%d]", y, i).isCloseTo(expected[i], within(0.0026f));
                }
            }
        }
    }

    /**
     * x → Add(shift) → Q → DQ → Conv(3×3, strides 2×1, dilations 1×2, no padding; one weight scale and zero point for
     * all channels; one bias scale) → y.
     */
    private static ModelProto strided(float shift, byte weightZero) {
        ModelProto model = new ModelBuilder("strided", 13).input("x", STRIDED_SHAPE).output("y")
                .constant("shift", new long[] {}, new float[] {shift})
                .initializer("step", new long[] {}, new float[] {STEP})
                .initializer("w_scale", new long[] {}, new float[] {0.01f})
                .initializer("b_scale", new long[] {}, new float[] {STEP * 0.01f})
                .node("Add", "shift_add", List.of("shift", "x"), List.of("a"))
                .node("QuantizeLinear", "q", List.of("a", "step", "zero"), List.of("aq"))
                .node("DequantizeLinear", "dq", List.of("aq", "step", "zero"), List.of("ad"))
                .node("DequantizeLinear", "w_dq", List.of("w", "w_scale", "w_zero"), List.of("wd"))
                .node("DequantizeLinear", "b_dq", List.of("b", "b_scale"), List.of("bd"))
                .node("Conv", "conv", List.of("ad", "wd", "bd"), List.of("y"), STRIDED_ATTRIBUTES).build();
        GraphProto.Builder g = model.getGraph().toBuilder()
                .addInitializer(TensorValues.uint8Scalar("zero", 128))
                .addInitializer(TensorValues.int8Tensor("w", List.of(4L, 2L, 3L, 3L), stridedWeights()))
                .addInitializer(TensorValues.int8Tensor("w_zero", List.of(), new byte[] {weightZero}))
                .addInitializer(TensorValues.int32Tensor("b", List.of(4L), BIAS));
        return model.toBuilder().setGraph(g).build();
    }

    private static final long[] STRIDED_SHAPE = {1, 4, 9, 9};
    private static final AttributeProto[] STRIDED_ATTRIBUTES = {ints("kernel_shape", 3, 3), integer("group", 2),
        ints("strides", 2, 1), ints("dilations", 1, 2)};

    private static byte[] stridedWeights() {
        byte[] w = new byte[4 * 2 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) ((i * 29) % 41 - 12);
        }
        return w;
    }

    @Test
    void aStridedDilatedConvWithOneWeightScaleAndAWeightZeroPointFoldsToo() throws Exception {
        float[] x = new float[4 * 81];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37) % 61 - 30) * STEP;
        }
        for (byte weightZero : new byte[] {0, 5, -7}) {
            ModelProto model = strided(0.137f, weightZero);
            FoldedModel r = ConvInputShiftFolder.fold(model);
            assertThat(r.foldedNodes()).as("weight zero point %d", weightZero).containsExactly("shift_add");

            byte[] wq = stridedWeights();
            float[] w = new float[wq.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (wq[i] - weightZero) * 0.01f;
            }
            float[] b = new float[4];
            for (int o = 0; o < 4; o++) {
                b[o] = BIAS[o] * STEP * 0.01f;
            }
            ModelProto reference = new ModelBuilder("reference", 13).input("x", STRIDED_SHAPE).output("y")
                    .constant("shift", new long[] {1}, new float[] {0.137f})
                    .initializer("w", new long[] {4, 2, 3, 3}, w).initializer("b", new long[] {4}, b)
                    .node("Add", "shift_add", List.of("x", "shift"), List.of("a"))
                    .node("Conv", "conv", List.of("a", "w", "b"), List.of("y"), STRIDED_ATTRIBUTES).build();
            float[] expected = OrtRunner.runOnce(reference, "x", x, STRIDED_SHAPE, "y");
            float[] folded = OrtRunner.runOnce(r.model(), "x", x, STRIDED_SHAPE, "y");
            float[] before = OrtRunner.runOnce(model, "x", x, STRIDED_SHAPE, "y");
            double largestLoss = 0;
            for (int i = 0; i < expected.length; i++) {
                // half a bias step, STEP × 0.01 / 2
                assertThat(folded[i]).as("element %d", i).isCloseTo(expected[i], within(0.00051f));
                largestLoss = Math.max(largestLoss, Math.abs(before[i] - expected[i]));
            }
            assertThat(largestLoss).as("what the quantized shift lost").isGreaterThan(0.005);
        }
    }

    @Test
    void theReplacedConstantsGoAndTheOthersStay() {
        FoldedModel r = ConvInputShiftFolder.fold(qdq(Variant.of(0.34f)));

        List<String> initializers = r.model().getGraph().getInitializerList().stream().map(TensorProto::getName)
                .toList();
        assertThat(initializers).doesNotContain("b").contains("w", "zero");
        assertThat(nodes(r.model(), "Constant")).as("the shift's Constant node").isEmpty();
        int[] bias = TensorValues.int32s(tensor(r.model(), nodes(r.model(), "DequantizeLinear").stream()
                .filter(n -> n.getName().equals("b_dq")).findFirst().orElseThrow().getInput(0)));
        // channel 0: 0.04 × 0.02 × (60 + 50) / (0.1 × 0.02) = 44 bias steps
        assertThat(bias[0]).isEqualTo(BIAS[0] + 44);
    }
}
