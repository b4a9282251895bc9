package dev.trt4j.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * All 1,072 of ONNX's operator tests (Debian's {@code libonnx-testdata}) through every {@link OperatorCaseSweep.Mode}.
 *
 * <p>Opt-in: {@code scripts/onnx-operator-tests.sh} fetches the package and runs this class. The verdicts are written
 * to {@code target/onnx-operator-tests-<mode>.txt}; {@code docs/onnx-operator-tests.md} records them.
 */
@Tag("onnx-operator-tests")
class OnnxOperatorConformanceTest {
    /** Where the script extracts the package's {@code data} folder. */
    private static final String DATA_PROPERTY = "trt4j.onnxOperatorTests";
    /** Its folders of cases with inputs and expected outputs ({@code real} only points to downloads). */
    private static final List<String> SUITES = List.of("node", "pytorch-converted", "pytorch-operator", "simple");
    /** Fewest cases each mode must check, so that the sweep cannot pass on nothing. */
    private static final Map<OperatorCaseSweep.Mode, Integer> MINIMUM_CHECKED = Map.of(
            OperatorCaseSweep.Mode.OPSET_13, 240, OperatorCaseSweep.Mode.FP16, 700,
            OperatorCaseSweep.Mode.INT8_TENSORRT, 100, OperatorCaseSweep.Mode.INT8_ONNXRUNTIME_CPU, 100,
            OperatorCaseSweep.Mode.STATISTICS, 550);

    @ParameterizedTest
    @EnumSource(OperatorCaseSweep.Mode.class)
    void everyCaseIsCheckedOrRefusedWithOneLine(OperatorCaseSweep.Mode mode) throws IOException {
        Path root = Path.of(System.getProperty(DATA_PROPERTY, "target/onnx-testdata"));
        assertThat(root.resolve("node")).as("run scripts/onnx-operator-tests.sh, which fetches ONNX's operator tests")
                .isDirectory();
        OperatorCaseSweep.Summary s = OperatorCaseSweep.run(OperatorCaseSweep.cases(root, SUITES), mode,
                Path.of("target", "onnx-operator-tests-" + mode.name().toLowerCase() + ".txt"));

        assertThat(s.failures()).as(mode + ": " + s.counts()).isEmpty();
        assertThat(s.checked()).as(mode + ": " + s.counts()).isGreaterThanOrEqualTo(MINIMUM_CHECKED.get(mode));
    }
}
