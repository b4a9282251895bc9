package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.stats.ChannelMaxCollector;
import dev.trt4j.stats.ChannelMaxCollector.ChannelAxis;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.QdqModels.floats;
import static dev.trt4j.quantize.QdqModels.node;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MatMulSmootherTest {
    private static final long[] SHAPE = {2, 5, 4};

    /**
     * x [2, 5, 4] → Mul(half [4]) → Add(b [1, 1, 4]) → t, read by two MatMuls with weights [4, 3] and [4, 2]: a
     * LayerNorm's affine, say.
     */
    private static ModelBuilder builder() {
        return builder(new long[] {4}, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
    }

    private static ModelBuilder builder(long[] halfDims, float[] half) {
        return new ModelBuilder("mm", 13).input("x", 2, 5, 4).output("y").output("z")
                .initializer("half", halfDims, half)
                .initializer("b", new long[] {1, 1, 4}, new float[] {0.1f, -0.2f, 0.3f, 0f})
                .initializer("w", new long[] {4, 3}, new float[] {
                        1f, -2f, 0.5f,
                        0.25f, 0.1f, -0.1f,
                        3f, 1f, 1f,
                        0f, 0f, 0f})
                .initializer("v", new long[] {4, 2}, gaussian(7, 8, 0.5))
                .node("Mul", "mul", List.of("x", "half"), List.of("m"))
                .node("Add", "add", List.of("m", "b"), List.of("t"))
                .node("MatMul", "mm_y", List.of("t", "w"), List.of("y"))
                .node("MatMul", "mm_z", List.of("t", "v"), List.of("z"));
    }

    @Test
    void movesChannelRangesIntoTheWeightsWithoutChangingTheFunction() throws Exception {
        ModelProto fp32 = builder().build();
        assertThat(MatMulSmoother.smoothableInputs(fp32)).containsExactly("t");
        float[] v = floats(fp32, "v");
        float[] rowMax = new float[4];
        float[] w = floats(fp32, "w");
        for (int j = 0; j < 4; j++) {
            rowMax[j] = Math.max(Math.max(Math.abs(w[3 * j]), Math.abs(w[3 * j + 1])), Math.abs(w[3 * j + 2]));
            rowMax[j] = Math.max(rowMax[j], Math.max(Math.abs(v[2 * j]), Math.abs(v[2 * j + 1])));
        }
        float[] channelMax = {8f, 0.5f, 2f, 6f};

        MatMulSmoother.Result r = MatMulSmoother.smooth(fp32, Map.of("t", channelMax), 0.5);

        assertThat(r.smoothed()).containsExactly(Map.entry("mm_y", "t"), Map.entry("mm_z", "t"));
        ModelProto smooth = r.model();
        String half = node(smooth, "mul").getInput(1);
        String bias = node(smooth, "add").getInput(1);
        // Both constants take the division and keep their shapes; the graph gains no node.
        assertThat(smooth.getGraph().getNodeCount()).isEqualTo(fp32.getGraph().getNodeCount());
        assertThat(tensor(smooth, half).getDimsList()).containsExactly(4L);
        assertThat(tensor(smooth, bias).getDimsList()).containsExactly(1L, 1L, 4L);
        float[] halves = floats(smooth, half);
        float[] smoothW = floats(smooth, node(smooth, "mm_y").getInput(1));
        for (int j = 0; j < 3; j++) {
            double s = Math.sqrt(channelMax[j] / rowMax[j]);
            assertThat(halves[j]).isCloseTo((float) (0.5 / s), within(1e-6f));
            assertThat(smoothW[3 * j]).isCloseTo((float) (w[3 * j] * s), within(1e-5f));
        }
        // Channel 3's weight rows of w are zero but v's are not: the largest row over both MatMuls counts.
        assertThat(halves[3]).isCloseTo((float) (0.5 / Math.sqrt(channelMax[3] / rowMax[3])), within(1e-6f));
        assertThat(smooth.getGraph().getInitializerList()).extracting(t -> t.getName())
                .doesNotContain("w", "v", "half", "b");

        assertSameOutputs(fp32, smooth, List.of("y", "z"));
    }

    @Test
    void alphaOneFlattensEveryChannelToOneAndZeroChannelsKeepTheirScale() {
        MatMulSmoother.Result r = MatMulSmoother.smooth(builder().build(), Map.of("t", new float[] {8f, 0f, 2f, 4f}),
                1.0);

        float[] halves = floats(r.model(), node(r.model(), "mul").getInput(1));
        assertThat(halves).containsExactly(0.5f / 8f, 0.5f, 0.5f / 2f, 0.5f / 4f);
    }

    @Test
    void searchedAlphaSmoothsAnOutlierChannelAndSaysWhichStrengthItChose() throws Exception {
        ModelProto fp32 = builder().build();
        // Channel 0 reaches 40 where the others stay near 1: one INT8 scale would read them with a few levels.
        float[][] rows = new float[64][];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        float[] channelMax = new float[4];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = new float[4];
            for (int j = 0; j < 4; j++) {
                rows[r][j] = (float) ((random.nextDouble() * 2 - 1) * (j == 0 ? 40 : 1));
                channelMax[j] = Math.max(channelMax[j], Math.abs(rows[r][j]));
            }
        }

        MatMulSmoother.Result r = MatMulSmoother.smoothSearched(fp32, Map.of("t", channelMax),
                Map.of("t", List.of(rows)));

        assertThat(r.alphas()).containsOnlyKeys("t");
        assertThat(MatMulSmoother.ALPHA_GRID).contains(r.alphas().get("t"));
        assertThat(r.smoothed()).containsOnlyKeys("mm_y", "mm_z");
        // The outlier channel costs the unsmoothed INT8 MatMuls several times the error of the smoothed ones.
        assertThat(r.gains()).containsOnlyKeys("t");
        assertThat(r.gains().get("t")).isGreaterThan(2);
        MatMulSmoother.Result fixed = MatMulSmoother.smooth(fp32, Map.of("t", channelMax), r.alphas().get("t"));
        assertThat(floats(r.model(), node(r.model(), "mul").getInput(1)))
                .containsExactly(floats(fixed.model(), node(fixed.model(), "mul").getInput(1)));
    }

    @Test
    void searchedAlphaLeavesAnInputAloneWhenNoStrengthDoesBetter() {
        ModelProto fp32 = builder().build();
        // All-zero rows: every strength gives the same (zero) error as no smoothing, which is kept.
        MatMulSmoother.Result r = MatMulSmoother.smoothSearched(fp32, Map.of("t", new float[] {1f, 2f, 3f, 4f}),
                Map.of("t", List.of(new float[4], new float[4])));

        assertThat(r.alphas()).isEmpty();
        assertThat(r.smoothed()).isEmpty();
        assertThat(r.gains()).containsExactly(Map.entry("t", 1.0));
        assertThat(r.model().getGraph()).isEqualTo(fp32.getGraph());
    }

    @Test
    void aSkippedMatMulLeavesItsInputAndTheMatMulsSharingItUnsmoothed() {
        ModelProto fp32 = builder().build();
        assertThat(MatMulSmoother.smoothableMatMuls(fp32)).containsExactly("mm_y", "mm_z");
        float[] channelMax = {8f, 0.5f, 2f, 6f};

        MatMulSmoother.Result fixed = MatMulSmoother.smooth(fp32, Map.of("t", channelMax), 0.5, "mm_z"::equals);
        float[][] rows = {{8f, 0.1f, -2f, 6f}, {-1f, 0.5f, 0.3f, -0.2f}};
        MatMulSmoother.Result searched = MatMulSmoother.smoothSearched(fp32, Map.of("t", channelMax),
                Map.of("t", List.of(rows)), "mm_z"::equals);

        for (MatMulSmoother.Result r : List.of(fixed, searched)) {
            assertThat(r.smoothed()).isEmpty();
            assertThat(r.alphas()).isEmpty();
            assertThat(r.gains()).as("not searched either").isEmpty();
            assertThat(r.model().getGraph()).isEqualTo(fp32.getGraph());
        }
    }

    @Test
    void searchedAlphaNeedsSampledRowsOfTheRightWidth() {
        assertThatThrownBy(() -> MatMulSmoother.smoothSearched(builder().build(), Map.of("t", new float[4]),
                Map.of("t", List.of(new float[3]))))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("equalize: tensor 't' needs sampled rows of 4 values to choose its alpha");
    }

    @Test
    void smoothingErrorFallsWhenAnOutlierChannelMovesIntoTheWeights() {
        // Channel 0 reaches 30 with small weights; channel 1 stays under 1 but carries the large weights, so the
        // INT8 step that channel 0 forces on the input (30/127) wipes out most of what matters.
        float[] w = {0.05f, 0.1f, -0.02f, 3f, -2f, 2.5f};
        List<float[]> rows = List.of(new float[] {30f, 0.2f}, new float[] {-12f, -0.7f}, new float[] {3f, 0.9f},
                new float[] {0.5f, 0.33f});
        float[] channelMax = {30f, 0.9f};
        SmoothingError error = new SmoothingError(rows, 2, List.of(w));

        double plain = error.error(new double[] {1, 1}, channelMax);
        // α = 0.5: s_j = √(max|x_j| / max|w_j|) gives both channels and both weight rows the same range.
        double smoothed = error.error(new double[] {Math.sqrt(30 / 0.1), Math.sqrt(0.9 / 3)}, channelMax);

        assertThat(plain).isPositive();
        assertThat(smoothed).isLessThan(plain / 4);
    }

    @Test
    void anInputWithOtherReadersGetsAMulOfItsOwnForTheMatMuls() throws Exception {
        // t also feeds an Add (the residual connection after a LayerNorm, say), which must keep reading t as it was.
        ModelProto fp32 = builder().output("u").node("Add", "other", List.of("t", "t"), List.of("u")).build();
        assertThat(MatMulSmoother.smoothableInputs(fp32)).containsExactly("t");

        ModelProto smooth = MatMulSmoother.smooth(fp32, Map.of("t", new float[] {8f, 0.5f, 2f, 6f}), 0.5).model();

        assertThat(node(smooth, "other").getInputList()).containsExactly("t", "t");
        assertThat(floats(smooth, node(smooth, "mul").getInput(1))).containsExactly(0.5f, 0.5f, 0.5f, 0.5f);
        assertDividedBeforeTheMatMuls(fp32, smooth, "add", List.of("y", "z", "u"));
    }

    @Test
    void aScalarConstantAGraphOutputOrAnotherProducerAlsoGetsAMulOfItsOwn() throws Exception {
        // GELU's closing Mul by a scalar 0.5: made per channel, it would no longer match the runtimes' GELU fusion.
        ModelProto scalar = builder(new long[] {}, new float[] {0.5f}).build();
        ModelProto smooth = MatMulSmoother.smooth(scalar, Map.of("t", new float[] {8f, 0.5f, 2f, 6f}), 0.5).model();
        assertThat(floats(smooth, node(smooth, "mul").getInput(1))).containsExactly(0.5f);
        assertDividedBeforeTheMatMuls(scalar, smooth, "add", List.of("y", "z"));

        ModelProto graphOutput = builder().output("t").build();
        assertDividedBeforeTheMatMuls(graphOutput, MatMulSmoother.smooth(graphOutput,
                Map.of("t", new float[] {8f, 0.5f, 2f, 6f}), 0.5).model(), "add", List.of("y", "z", "t"));

        ModelProto relu = new ModelBuilder("relu", 13).input("x", 2, 5, 4).output("y")
                .initializer("w", new long[] {4, 3}, gaussian(3, 12, 0.5))
                .node("Relu", "relu", List.of("x"), List.of("t"))
                .node("MatMul", "mm_y", List.of("t", "w"), List.of("y")).build();
        assertThat(MatMulSmoother.smoothableInputs(relu)).containsExactly("t");
        assertDividedBeforeTheMatMuls(relu, MatMulSmoother.smooth(relu,
                Map.of("t", new float[] {3f, 0.1f, 1f, 2f}), 0.5).model(), "relu", List.of("y"));
    }

    /**
     * The MatMuls of {@code smooth} read t through one added Mul placed right after {@code producer}, and every
     * output in {@code outputs} keeps its FP32 values.
     */
    private static void assertDividedBeforeTheMatMuls(ModelProto fp32, ModelProto smooth, String producer,
                                                      List<String> outputs) throws Exception {
        List<NodeProto> nodes = smooth.getGraph().getNodeList();
        assertThat(nodes).hasSize(fp32.getGraph().getNodeCount() + 1);
        String smoothed = node(smooth, "mm_y").getInput(0);
        NodeProto division = nodes.stream().filter(n -> n.getOutput(0).equals(smoothed)).findFirst().orElseThrow();
        assertThat(division.getOpType()).isEqualTo("Mul");
        assertThat(division.getInput(0)).isEqualTo("t");
        List<String> order = nodes.stream().map(NodeProto::getName).toList();
        assertThat(order.indexOf(division.getName())).isEqualTo(order.indexOf(producer) + 1);
        assertSameOutputs(fp32, smooth, outputs);
    }

    /** Both models give the same values (to 1e-4) for each of {@code outputs} on the same random input. */
    private static void assertSameOutputs(ModelProto fp32, ModelProto smooth, List<String> outputs) throws Exception {
        float[] x = gaussian(13, 40, 3.0);
        for (String out : outputs) {
            float[] before = OrtRunner.runOnce(fp32, "x", x, SHAPE, out);
            float[] after = OrtRunner.runOnce(smooth, "x", x, SHAPE, out);
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i]).as(out + "[" + i + "]").isCloseTo(before[i], within(1e-4f));
            }
        }
    }

    @Test
    void aGemmWithATransposedWeightIsSmoothedByItsColumns() throws Exception {
        // y = Gemm(t, wT [3, 4], bias, transB = 1): t's channel j meets column j of wT.
        ModelProto fp32 = new ModelBuilder("gemm", 13).input("x", 5, 4).output("y")
                .initializer("wT", new long[] {3, 4}, gaussian(9, 12, 0.5))
                .initializer("bias", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .node("Relu", "relu", List.of("x"), List.of("t"))
                .node("Gemm", "mm_y", List.of("t", "wT", "bias"), List.of("y"), ModelBuilder.integer("transB", 1))
                .build();
        assertThat(MatMulSmoother.smoothableInputs(fp32)).containsExactly("t");

        ModelProto smooth = MatMulSmoother.smooth(fp32, Map.of("t", new float[] {9f, 0.2f, 1f, 4f}), 1.0).model();

        // α = 1 multiplies column j of wT by max|t_j|: 9, 0.2, 1, 4.
        float[] before = floats(fp32, "wT");
        float[] after = floats(smooth, node(smooth, "mm_y").getInput(1));
        float[] s = {9f, 0.2f, 1f, 4f};
        for (int k = 0; k < before.length; k++) {
            assertThat(after[k]).isCloseTo(before[k] * s[k % 4], within(1e-6f));
        }
        float[] x = gaussian(17, 20, 3.0);
        float[] y0 = OrtRunner.runOnce(fp32, "x", x, new long[] {5, 4}, "y");
        float[] y1 = OrtRunner.runOnce(smooth, "x", x, new long[] {5, 4}, "y");
        for (int i = 0; i < y0.length; i++) {
            assertThat(y1[i]).isCloseTo(y0[i], within(1e-4f));
        }
    }

    @Test
    void refusesMissingRangesAndAlphaOutsideZeroToOne() {
        assertThatThrownBy(() -> MatMulSmoother.smooth(builder().build(), Map.of("t", new float[] {1f}), 0.5))
                .isInstanceOf(Trt4jException.class).hasMessage("equalize: tensor 't' needs 4 channel ranges, got 1");
        assertThatThrownBy(() -> MatMulSmoother.smooth(builder().build(), Map.of(), 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("alpha must be in [0, 1], got 1.5");
    }

    @Test
    void channelMaxCollectorReadsTheLastAxisForMatMulInputs() {
        ModelProto fp32 = builder().build();
        float[] x = new float[40];
        x[4 * 3 + 1] = -9f;  // batch 0, row 3, channel 1 → t = −4.5 − 0.2 = −4.7
        x[20 + 4 * 2 + 3] = 2f; // batch 1, row 2, channel 3 → t = 1
        CalibrationDataSource source = FloatBatchSource.of("x", SHAPE, List.of(x));

        Map<String, float[]> max = new ChannelMaxCollector(OnnxModel.fromProto(fp32, Path.of("mm.onnx")),
                Map.of("t", ChannelAxis.LAST)).collect(source, OrtRunnerOptions.defaults()).max();

        assertThat(max.get("t")).containsExactly(0.1f, 4.7f, 0.3f, 1f);

        x[7] = Float.POSITIVE_INFINITY; // would become channel 3's maximum, and equalize's scale
        assertThatThrownBy(() -> new ChannelMaxCollector(OnnxModel.fromProto(fp32, Path.of("mm.onnx")),
                Map.of("t", ChannelAxis.LAST)).collect(FloatBatchSource.of("x", SHAPE, List.of(x)),
                OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("holds Infinity in input 'x'");
    }
}
