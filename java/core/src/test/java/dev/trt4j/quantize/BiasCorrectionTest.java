package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.ort.OrtRunnerOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.node;
import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BiasCorrectionTest {
    private static final long[] SHAPE = {2, 2, 6, 6};
    private static final int PER_SAMPLE = 2 * 6 * 6;
    /**
     * A "background" value that INT8 with amax 12.7 (scale 0.1) cannot represent: it rounds to 0.3, always
     * 0.04 low, so the Conv's output is shifted by a constant rather than noisy.
     */
    private static final float BACKGROUND = 0.34f;
    private static final float AMAX = 12.7f;

    /** x [N,2,6,6] → 3×3 Conv (2 → 3 channels, padded) → y. */
    private static ModelProto conv(boolean withBias) {
        ModelBuilder m = new ModelBuilder("conv", 13).input("x", -1, 2, 6, 6).output("y")
                .initializer("w", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5));
        List<String> inputs = new ArrayList<>(List.of("x", "w"));
        if (withBias) {
            m.initializer("b", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f});
            inputs.add("b");
        }
        return m.node("Conv", "conv", inputs, List.of("y"), ints("pads", 1, 1, 1, 1)).build();
    }

    /** Mostly background, a few random "text" pixels, like a rendered line. */
    private static float[] sample(Random random) {
        float[] x = new float[2 * PER_SAMPLE];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(10) == 0 ? (float) random.nextGaussian() * 3 : BACKGROUND;
        }
        return x;
    }

    private static List<float[]> batches(long seed, int count) {
        Random random = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(sample(random));
        }
        return out;
    }

    private static CalibrationDataSource source(List<float[]> batches) {
        return source(batches, SHAPE);
    }

    private static CalibrationDataSource source(List<float[]> batches, long[] shape) {
        return FloatBatchSource.of("x", shape, batches);
    }

    private static ModelProto quantized(ModelProto fp32) {
        return new QdqQuantizer(QuantizationConfig.defaults()).quantize(fp32, Map.of("x", AMAX)).model();
    }

    /** Mean of (candidate − reference) per output channel over the batches, both run without graph optimisations. */
    private static double[] meanError(ModelProto candidate, ModelProto reference, List<float[]> batches)
            throws Exception {
        return meanError(candidate, reference, batches, 3);
    }

    /** {@link #meanError(ModelProto, ModelProto, List)} for an output y [2, channels, 6, 6]. */
    private static double[] meanError(ModelProto candidate, ModelProto reference, List<float[]> batches,
                                      int channels) throws Exception {
        double[] sum = new double[channels];
        int perChannel = 0;
        try (OrtRunner c = OrtRunner.unoptimised(candidate); OrtRunner r = OrtRunner.unoptimised(reference)) {
            for (float[] x : batches) {
                float[] yc = c.run("x", x, SHAPE, "y");
                float[] yr = r.run("x", x, SHAPE, "y");
                for (int i = 0; i < yc.length; i++) {
                    sum[(i / 36) % channels] += yc[i] - yr[i];
                }
                perChannel += yc.length / channels;
            }
        }
        for (int ch = 0; ch < channels; ch++) {
            sum[ch] /= perChannel;
        }
        return sum;
    }

    private static double largest(double[] errors) {
        return Arrays.stream(errors).map(Math::abs).max().orElseThrow();
    }

    @Test
    void removesTheSystematicShiftOfRoundingAConstantBackground() throws Exception {
        ModelProto fp32 = conv(true);
        ModelProto q = quantized(fp32);
        List<float[]> calibration = batches(1, 8);
        List<float[]> heldOut = batches(2, 8);
        double[] before = meanError(q, fp32, heldOut);
        assertThat(largest(before)).isGreaterThan(0.02);

        BiasCorrection.Result result = BiasCorrection.apply(q, source(calibration), OrtRunnerOptions.defaults());

        assertThat(result.samples()).isEqualTo(16);
        assertThat(result.shifts()).containsOnlyKeys("conv");
        double[] after = meanError(result.model(), fp32, heldOut);
        for (int ch = 0; ch < 3; ch++) {
            assertThat(Math.abs(after[ch])).as("channel %d", ch).isLessThan(Math.abs(before[ch]) / 5 + 1e-4);
        }
        // On the calibration data itself the mean error is gone up to float rounding.
        assertThat(largest(meanError(result.model(), fp32, calibration))).isLessThan(1e-4);
    }

    @Test
    void changesOnlyTheBias() {
        ModelProto q = quantized(conv(true));

        ModelProto corrected = BiasCorrection.apply(q, source(batches(1, 4)), OrtRunnerOptions.defaults()).model();

        assertThat(corrected.getGraph().getNodeCount()).isEqualTo(q.getGraph().getNodeCount());
        NodeProto before = node(q, "conv");
        NodeProto after = node(corrected, "conv");
        assertThat(after.getInput(0)).isEqualTo(before.getInput(0));
        assertThat(after.getInput(1)).isEqualTo(before.getInput(1));
        assertThat(after.getInput(2)).isNotEqualTo("b");
        assertThat(nodes(corrected, "QuantizeLinear")).isEqualTo(nodes(q, "QuantizeLinear"));
        // The old bias has no reader left and is gone; the probe nodes are not in the result.
        assertThat(corrected.getGraph().getInitializerList()).noneMatch(t -> t.getName().equals("b"));
        assertThat(corrected.getGraph().getOutputList()).extracting(o -> o.getName()).containsExactly("y");
        assertThat(nodes(corrected, "ReduceMean")).isEmpty();
    }

    @Test
    void addsABiasToAConvWithoutOne() throws Exception {
        ModelProto fp32 = conv(false);
        ModelProto q = quantized(fp32);

        ModelProto corrected = BiasCorrection.apply(q, source(batches(1, 8)), OrtRunnerOptions.defaults()).model();

        assertThat(node(corrected, "conv").getInputCount()).isEqualTo(3);
        assertThat(largest(meanError(corrected, fp32, batches(1, 8)))).isLessThan(1e-4);
    }

    @Test
    void correctsTheBiasAddAfterAMatMul() throws Exception {
        // x [2,6,12] → MatMul w [12,3] → Add b [3] → y: a Linear layer as exporters write it.
        long[] shape = {2, 6, 12};
        ModelProto fp32 = new ModelBuilder("linear", 13).input("x", 2, 6, 12).output("y")
                .initializer("w", new long[] {12, 3}, gaussian(9, 36, 0.5))
                .initializer("b", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .node("MatMul", "mm", List.of("x", "w"), List.of("h"))
                .node("Add", "bias", List.of("h", "b"), List.of("y")).build();
        ModelProto q = quantized(fp32);
        List<float[]> data = batches(3, 8); // 144 values each, as many as x [2,6,12] holds
        double before = largestColumnError(q, fp32, data, shape);

        BiasCorrection.Result result = BiasCorrection.apply(q, source(data, shape), OrtRunnerOptions.defaults(),
                BiasCorrection.Scope.ALL);

        assertThat(before).isGreaterThan(0.02);
        assertThat(result.shifts()).containsOnlyKeys("mm");
        assertThat(node(result.model(), "bias").getInput(1)).isNotEqualTo("b");
        assertThat(largestColumnError(result.model(), fp32, data, shape)).isLessThan(1e-4);
    }

    /** The largest |mean of (candidate − reference)| over the columns of y [.., 3]. */
    private static double largestColumnError(ModelProto candidate, ModelProto reference, List<float[]> batches,
                                             long[] shape) throws Exception {
        double[] sum = new double[3];
        long rows = 0;
        try (OrtRunner c = new OrtRunner(candidate); OrtRunner r = new OrtRunner(reference)) {
            for (float[] x : batches) {
                float[] yc = c.run("x", x, shape, "y");
                float[] yr = r.run("x", x, shape, "y");
                for (int i = 0; i < yc.length; i++) {
                    sum[i % 3] += yc[i] - yr[i];
                }
                rows += yc.length / 3;
            }
        }
        long n = rows;
        return Arrays.stream(sum).map(v -> Math.abs(v / n)).max().orElseThrow();
    }

    /** x [N,2,6,6] → Conv (2 → 3) → Relu → Conv (3 → 3) → y: the second Conv sees the first one's rounding noise. */
    private static ModelProto twoConvs() {
        return new ModelBuilder("two", 13).input("x", -1, 2, 6, 6).output("y")
                .initializer("w1", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5))
                .initializer("b1", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .initializer("w2", new long[] {3, 3, 3, 3}, gaussian(8, 81, 0.5))
                .initializer("b2", new long[] {3}, new float[] {0.2f, 0.1f, -0.1f})
                .node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("h"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", List.of("h"), List.of("r"))
                .node("Conv", "conv2", List.of("r", "w2", "b2"), List.of("y"), ints("pads", 1, 1, 1, 1)).build();
    }

    private static ModelProto quantizedTwoConvs() {
        return new QdqQuantizer(QuantizationConfig.defaults()).quantize(twoConvs(), Map.of("x", AMAX, "r", 25.4f))
                .model();
    }

    @Test
    void layerByLayerRemovesTheShiftEarlierLayersPassOn() throws Exception {
        ModelProto fp32 = twoConvs();
        ModelProto q = quantizedTwoConvs();
        List<float[]> calibration = batches(1, 8);
        List<long[]> progress = new ArrayList<>();

        BiasCorrection.Result onePass = BiasCorrection.apply(q, source(calibration), OrtRunnerOptions.defaults(),
                BiasCorrection.Scope.CONV);
        BiasCorrection.Result layered = BiasCorrection.apply(q, source(calibration), OrtRunnerOptions.defaults(),
                BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER, (done, total) -> progress.add(
                        new long[] {done, total}));

        assertThat(layered.shifts()).containsOnlyKeys("conv1", "conv2");
        assertThat(layered.samples()).isEqualTo(16);
        // conv2 reads conv1's output, so conv1 is corrected before conv2 is measured: two steps.
        assertThat(progress).containsExactly(new long[] {1, 2}, new long[] {2, 2});
        double layeredError = largest(meanError(layered.model(), fp32, calibration));
        double onePassError = largest(meanError(onePass.model(), fp32, calibration));
        // The last layer's mean matches the FP32 model's on the samples it was measured on; one pass leaves the
        // shift that rounding noise gains through the Relu.
        assertThat(layeredError).isLessThan(1e-4);
        assertThat(onePassError).isGreaterThan(100 * layeredError);
    }

    @Test
    void layerByLayerMeasuresLayersThatDoNotFeedEachOtherTogether() throws Exception {
        // Two Convs on the same input, side by side: correcting one cannot change what the other sees.
        ModelProto fp32 = new ModelBuilder("parallel", 13).input("x", -1, 2, 6, 6).output("y")
                .initializer("w1", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5))
                .initializer("w2", new long[] {3, 2, 3, 3}, gaussian(8, 54, 0.5))
                .node("Conv", "a", List.of("x", "w1"), List.of("ya"), ints("pads", 1, 1, 1, 1))
                .node("Conv", "b", List.of("x", "w2"), List.of("yb"), ints("pads", 1, 1, 1, 1))
                .node("Concat", "both", List.of("ya", "yb"), List.of("y"), integer("axis", 1)).build();
        ModelProto q = quantized(fp32);
        List<float[]> calibration = batches(1, 8);
        List<long[]> progress = new ArrayList<>();

        BiasCorrection.Result layered = BiasCorrection.apply(q, source(calibration), OrtRunnerOptions.defaults(),
                BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER, (done, total) -> progress.add(
                        new long[] {done, total}));

        assertThat(progress).containsExactly(new long[] {2, 2});
        assertThat(largest(meanError(layered.model(), fp32, calibration, 6))).isLessThan(1e-4);
        assertThat(largest(meanError(q, fp32, calibration, 6))).isGreaterThan(0.02);
    }

    @Test
    void layerByLayerSeesAConvThatReadsAnEarlierOneThroughASubgraph() throws Exception {
        // conv1 → Relu → r; If(true) returns r (its branches read it from outside) → z; conv2(z) → y. conv2 depends
        // on conv1 only through the If's body, and must still be measured after conv1 is corrected.
        GraphProto thenBody = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("pass").addInput("r").addOutput("t"))
                .addOutput(ModelBuilder.valueInfo("t", TensorProto.DataType.FLOAT_VALUE, null)).build();
        GraphProto elseBody = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Neg").setName("neg").addInput("r").addOutput("e"))
                .addOutput(ModelBuilder.valueInfo("e", TensorProto.DataType.FLOAT_VALUE, null)).build();
        ModelProto fp32 = new ModelBuilder("branch", 13).input("x", -1, 2, 6, 6).output("y")
                .initializer("w1", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5))
                .initializer("b1", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .initializer("w2", new long[] {3, 3, 3, 3}, gaussian(8, 81, 0.5))
                .initializer("floor", new long[] {}, new float[] {-1e30f})
                .node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("h"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", List.of("h"), List.of("r"))
                .node("ReduceMax", "top", List.of("x"), List.of("m"), integer("keepdims", 0))
                .node("Greater", "always", List.of("m", "floor"), List.of("cond"))
                .node("If", "choose", List.of("cond"), List.of("z"), subgraph("then_branch", thenBody),
                        subgraph("else_branch", elseBody))
                .node("Conv", "conv2", List.of("z", "w2"), List.of("y"), ints("pads", 1, 1, 1, 1)).build();
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(fp32, Map.of("x", AMAX, "z", 25.4f))
                .model();
        List<float[]> calibration = batches(1, 8);
        List<long[]> progress = new ArrayList<>();

        BiasCorrection.Result layered = BiasCorrection.apply(q, source(calibration), OrtRunnerOptions.defaults(),
                BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER, (done, total) -> progress.add(
                        new long[] {done, total}));

        assertThat(progress).containsExactly(new long[] {1, 2}, new long[] {2, 2});
        assertThat(largest(meanError(layered.model(), fp32, calibration))).isLessThan(1e-4);
    }

    @Test
    void aConvWhoseBiasInputIsEmptyGetsTheCorrectedBiasInItsPlace() throws Exception {
        ModelProto fp32 = new ModelBuilder("empty-bias", 13).input("x", -1, 2, 6, 6).output("y")
                .initializer("w", new long[] {3, 2, 3, 3}, gaussian(7, 54, 0.5))
                .node("Conv", "conv", List.of("x", "w", ""), List.of("y"), ints("pads", 1, 1, 1, 1)).build();
        ModelProto q = quantized(fp32);

        for (BiasCorrection.Mode mode : BiasCorrection.Mode.values()) {
            ModelProto corrected = BiasCorrection.apply(q, source(batches(1, 8)), OrtRunnerOptions.defaults(),
                    BiasCorrection.Scope.CONV, mode, (done, total) -> { }).model();

            assertThat(node(corrected, "conv").getInputCount()).as(mode.label()).isEqualTo(3);
            assertThat(node(corrected, "conv").getInput(2)).isNotEmpty();
            assertThat(largest(meanError(corrected, fp32, batches(1, 8)))).as(mode.label()).isLessThan(1e-4);
        }
    }

    private static AttributeProto subgraph(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    @Test
    void modeNamesAreTheCliOnes() {
        assertThat(BiasCorrection.Mode.named("Layer-By-Layer")).isEqualTo(BiasCorrection.Mode.LAYER_BY_LAYER);
        assertThat(BiasCorrection.Mode.ONE_PASS.label()).isEqualTo("one-pass");
        assertThatThrownBy(() -> BiasCorrection.Mode.named("sequential"))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("--bias-correction-mode takes one-pass or layer-by-layer, not 'sequential'");
    }

    @Test
    void leavesMatMulsAloneByDefault() {
        ModelProto q = quantized(new ModelBuilder("linear", 13).input("x", 2, 6, 12).output("y")
                .initializer("w", new long[] {12, 3}, gaussian(9, 36, 0.5))
                .initializer("b", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .node("MatMul", "mm", List.of("x", "w"), List.of("h"))
                .node("Add", "bias", List.of("h", "b"), List.of("y")).build());

        assertThatThrownBy(() -> BiasCorrection.apply(q, source(batches(3, 1), new long[] {2, 6, 12}),
                OrtRunnerOptions.defaults())).isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("bias correction: the model has no quantized Conv with constant weights");
    }

    @Test
    void refusesAModelWithoutQuantizedConv() {
        assertThatThrownBy(() -> BiasCorrection.apply(conv(true), source(batches(1, 1)), OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no quantized Conv");
    }

    @Test
    void refusesEmptyData() {
        assertThatThrownBy(() -> BiasCorrection.apply(quantized(conv(true)), source(List.of()),
                OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no samples");
        assertThatThrownBy(() -> BiasCorrection.apply(quantized(conv(true)), source(List.of()),
                OrtRunnerOptions.defaults(), BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER,
                (done, total) -> { }))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no samples");
    }

    @Test
    void refusesNonFiniteSamplesInsteadOfWritingNonFiniteBiases() {
        List<float[]> data = batches(3, 3);
        data.get(1)[5] = Float.NaN;
        assertThatThrownBy(() -> BiasCorrection.apply(quantized(conv(true)), source(data),
                OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("holds NaN in input 'x'")
                .hasMessageContaining("the model needs finite inputs");
        assertThatThrownBy(() -> BiasCorrection.apply(quantized(conv(true)), source(data),
                OrtRunnerOptions.defaults(), BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER,
                (done, total) -> { }))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("holds NaN in input 'x'");
    }
}
