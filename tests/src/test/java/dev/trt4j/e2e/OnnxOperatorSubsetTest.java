package dev.trt4j.e2e;

import dev.trt4j.e2e.OperatorCaseSweep.Mode;
import dev.trt4j.e2e.OperatorCaseSweep.Outcome;
import dev.trt4j.e2e.OperatorCaseSweep.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.trt4j.e2e.OperatorCaseSweep.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 29 of ONNX's operator tests bundled in {@code src/test/resources/onnx-operator-tests} through every
 * {@link Mode}, on every build: the cases that found bugs or cover a rewrite (see that folder's README).
 */
class OnnxOperatorSubsetTest {
    private static final Map<Mode, Integer> MINIMUM_CHECKED = Map.of(Mode.OPSET_13, 15, Mode.FP16, 20,
            Mode.INT8_TENSORRT, 10, Mode.INT8_ONNXRUNTIME_CPU, 10, Mode.STATISTICS, 13);

    private static Path root() throws Exception {
        return Path.of(OnnxOperatorSubsetTest.class.getResource("/onnx-operator-tests").toURI());
    }

    private static Outcome one(String suiteAndCase, Mode mode) throws Exception {
        return OperatorCaseSweep.sweepOne(root().resolve(suiteAndCase), mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyBundledCaseIsCheckedOrRefusedWithOneLine(Mode mode) throws Exception {
        OperatorCaseSweep.Summary s = OperatorCaseSweep.run(
                OperatorCaseSweep.cases(root(), List.of("node", "pytorch-converted")), mode, null);

        assertThat(s.failures()).as(mode + ": " + s.counts()).isEmpty();
        assertThat(s.checked()).as(mode + ": " + s.counts()).isGreaterThanOrEqualTo(MINIMUM_CHECKED.get(mode));
    }

    @Test
    void theCasesThatFoundBugsAreChecked() throws Exception {
        for (String c : List.of("node/test_celu", "node/test_range_float_type_positive_delta",
                "node/test_scatternd_add", "node/test_loop11", "node/test_scan9_sum",
                "node/test_softmax_large_number_expanded", "node/test_lstm_defaults")) {
            assertThat(one(c, Mode.FP16).verdict()).as(c).isEqualTo(Verdict.CHECKED);
        }
        for (String c : List.of("pytorch-converted/test_Conv2d_depthwise", "pytorch-converted/test_Conv3d_groups",
                "pytorch-converted/test_Linear", "node/test_convtranspose_with_kernel")) {
            assertThat(one(c, Mode.INT8_TENSORRT).verdict()).as(c).isEqualTo(Verdict.CHECKED);
            assertThat(one(c, Mode.OPSET_13).verdict()).as(c).isEqualTo(Verdict.CHECKED);
        }
        assertThat(one("pytorch-converted/test_PReLU_2d_multiparam", Mode.OPSET_13).verdict())
                .isEqualTo(Verdict.CHECKED);
    }

    @Test
    void whatCannotBeDoneIsRefusedByName() throws Exception {
        assertThat(one("node/test_globalaveragepool", Mode.FP16).detail()).contains("opset 1");
        assertThat(one("node/test_sequence_insert_at_back", Mode.FP16).detail()).contains("element type");
        assertThat(one("node/test_dequantizelinear", Mode.INT8_TENSORRT).detail()).contains("already quantized");
        Outcome infinite = one("node/test_isinf", Mode.STATISTICS);
        assertThat(infinite.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(infinite.detail()).contains("holds NaN in input 'x'");
    }

    @Test
    void theSweepNoticesAWrongResult() {
        float[] expected = {1f, -2f, 4f};
        assertThat(relativeError(new float[][] {expected}, new float[][] {{1f, -2f, 4.2f}})).isGreaterThan(0.02);
        assertThat(relativeError(new float[][] {expected}, new float[][] {{1f, -2f, 4f}})).isZero();
        assertThat(relativeError(new float[][] {expected}, new float[][] {{1f, Float.NaN, 4f}})).isNaN();
        float[] withNaN = {Float.NaN, 2f};
        assertThat(relativeError(new float[][] {withNaN}, new float[][] {{Float.NaN, 2f}})).isZero();
        assertThat(relativeError(new float[][] {withNaN}, new float[][] {{0f, 2f}})).isInfinite();
    }
}
