package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodSpecTest {
    private static final CalibrationOptions BASE = CalibrationOptions.defaults();

    @Test
    void parseAllKeepsTheOrderOfDistinctMethods() {
        assertThat(MethodSpec.parseAll("--method", List.of("max", "percentile=99.9", "percentile"), BASE))
                .extracting(MethodSpec::label).containsExactly("max", "percentile-99.9", "percentile-99.99");
    }

    /** The label a report prints ("Best: percentile-99.999") names that method when typed back. */
    @Test
    void aPercentilesLabelParsesAsThatPercentile() {
        MethodSpec typed = MethodSpec.parse("percentile-99.999", BASE);
        assertThat(typed.label()).isEqualTo("percentile-99.999");
        assertThat(typed.options().percentile()).isEqualTo(99.999);
        assertThat(typed.calibrator().name()).isEqualTo("percentile");
        assertThatThrownBy(() -> MethodSpec.parse("percentile-abc", BASE))
                .hasMessageStartingWith("method 'percentile-abc': unknown calibration method 'percentile-abc'");
        assertThatThrownBy(() -> MethodSpec.parseAll("--methods", List.of("percentile-99.9", "percentile=99.9"),
                BASE)).hasMessageStartingWith("--methods gives percentile-99.9 twice");
    }

    @Test
    void parseAllRefusesAMethodGivenTwice() {
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("max", "max"), BASE))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("--method gives max twice; give each method once");
        assertThatThrownBy(() -> MethodSpec.parseAll("--methods", List.of("percentile", "percentile=99.99"), BASE))
                .hasMessage("--methods gives percentile-99.99 twice ('percentile' and 'percentile=99.99'); give "
                        + "each method once");
    }

    @Test
    void aDecimalCommaIsNamedAsSuchRatherThanAsAnUnknownMethod() {
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("percentile=99,9"), BASE))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("--method percentile=99,9: methods are separated by commas; write the percentile with a "
                        + "decimal point (percentile=99.9)");
        // no comma typed: a number is an unknown method like any other, also after a percentile given apart
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("9"), BASE))
                .hasMessageStartingWith("--method 9: unknown calibration method '9'");
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("max,9"), BASE))
                .hasMessageStartingWith("--method 9: unknown calibration method '9'");
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("percentile=99", "9"), BASE))
                .hasMessageStartingWith("--method 9: unknown calibration method '9'");
    }

    /** The label form reports print (percentile-99.9) split at a decimal comma just as percentile=99,9 would. */
    @Test
    void aDecimalCommaInTheLabelFormIsNamedAsSuch() {
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("percentile-99,9"), BASE))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("--method percentile-99,9: methods are separated by commas; write the percentile with a "
                        + "decimal point (percentile-99.9)");
        assertThatThrownBy(() -> MethodSpec.refuseDecimalComma("--method", "max,percentile-99,9"))
                .hasMessage("--method percentile-99,9: methods are separated by commas; write the percentile with a "
                        + "decimal point (percentile-99.9)");
        assertThatThrownBy(() -> MethodSpec.parse("--weight-method", "percentile-99,9", BASE))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("--weight-method percentile-99,9: '99,9' is not a number; write the percentile with a "
                        + "decimal point (percentile-99.9)");
        // whole percentiles in the label form stay a list
        assertThat(MethodSpec.parseAll("--methods", List.of("percentile-99,max"), BASE))
                .extracting(MethodSpec::label).containsExactly("percentile-99", "max");
    }

    /** An option taking one method does not split on commas: 99,9 reaches the number check whole. */
    @Test
    void aDecimalCommaInOneMethodIsRefusedWithTheValueToType() {
        assertThatThrownBy(() -> MethodSpec.parse("--weight-method", "percentile=99,9", BASE))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessage("--weight-method percentile=99,9: '99,9' is not a number; write the percentile with a "
                        + "decimal point (percentile=99.9)");
        assertThatThrownBy(() -> MethodSpec.parse("--weight-method", "percentile=99,9,9", BASE))
                .hasMessage("--weight-method percentile=99,9,9: '99,9,9' is not a number");
    }

    /** A command taking one method checks for a decimal comma before it refuses a list. */
    @Test
    void aDecimalCommaIsFoundInAValueBeforeItIsSplit() {
        assertThatThrownBy(() -> MethodSpec.refuseDecimalComma("--method", "max,percentile=99,9"))
                .hasMessage("--method percentile=99,9: methods are separated by commas; write the percentile with a "
                        + "decimal point (percentile=99.9)");
        MethodSpec.refuseDecimalComma("--method", "max,entropy");
    }

    @Test
    void aValueMayHoldSeveralMethods() {
        assertThat(MethodSpec.parseAll("--method", List.of("max,entropy", "percentile=99.9"), BASE))
                .extracting(MethodSpec::label).containsExactly("max", "entropy", "percentile-99.9");
        assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("max", "entropy,max"), BASE))
                .hasMessageContaining("gives max twice");
    }

    @Test
    void percentileLabelsAreInPlainDecimals() {
        assertThat(MethodSpec.parseAll("--method", List.of("percentile=1e-5", "percentile=100", "percentile=0",
                "percentile=99.990"), BASE))
                .extracting(MethodSpec::label)
                .containsExactly("percentile-0.00001", "percentile-100", "percentile-0", "percentile-99.99");
    }

    @Test
    void aPercentileIsADecimalNumber() {
        for (String loose : List.of("99.9f", "99.9d", "0x1p6", "NaN", "Infinity", "1_0")) {
            assertThatThrownBy(() -> MethodSpec.parseAll("--method", List.of("percentile=" + loose), BASE))
                    .as(loose).isInstanceOf(Trt4jException.class).hasMessageEndingWith("' is not a number");
        }
        assertThat(MethodSpec.parseAll("--method", List.of("percentile=99.", "percentile=.5", "percentile=+1E1"), BASE))
                .extracting(MethodSpec::label).containsExactly("percentile-99", "percentile-0.5", "percentile-10");
    }
}
