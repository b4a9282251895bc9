package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

class CalibratorsTest {

    @Test
    void findsTheBuiltInMethods() {
        assertThat(Calibrators.available()).extracting(Calibrator::name)
                .contains("max", "entropy", "percentile", "mse");
        assertThat(Calibrators.byName("max")).isInstanceOf(MaxCalibrator.class);
        assertThat(Calibrators.byName("entropy")).isInstanceOf(EntropyCalibrator.class);
        assertThat(Calibrators.byName("percentile")).isInstanceOf(PercentileCalibrator.class);
        assertThat(Calibrators.byName(" MSE ")).isInstanceOf(MseCalibrator.class);
    }

    @Test
    void findsAMethodRegisteredByAnotherJar() {
        Calibrator custom = Calibrators.byName("double-max");
        assertThat(custom).isInstanceOf(DoubleMaxCalibrator.class);
        assertThat(custom.computeAmax(collect(new float[] {1, -3}), DEFAULTS)).isEqualTo(6f);
    }

    @Test
    void unknownNameListsTheAvailableOnes() {
        assertThatThrownBy(() -> Calibrators.byName("kl"))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'kl'")
                .hasMessageContaining("double-max, entropy, max, mse, nan-amax, percentile");
    }

    /** One broken plug-in jar used to make every lookup throw ServiceConfigurationError, built-in methods included. */
    @Test
    void brokenPlugInsAreLeftOutAndNamedWhenAskedFor() {
        assertThat(Calibrators.available()).extracting(Calibrator::name)
                .containsExactlyInAnyOrder("max", "entropy", "percentile", "mse", "double-max", "nan-amax");
        assertThat(Calibrators.byName("max")).isInstanceOf(MaxCalibrator.class);
        assertThatThrownBy(() -> Calibrators.byName("never"))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("unknown calibration method 'never'; available: double-max, entropy, max, mse, "
                        + "nan-amax, percentile; not loaded: ")
                .hasMessageContaining("NoSuchCalibrator")
                .hasMessageContaining("FailingConstructor")
                .hasMessageContaining("cannot start")
                .hasMessageContaining("calls itself '../escaped', not lower-case letters");
    }

    @Test
    void thePlugInsLeftOutAreListedWithWhy() {
        assertThat(Calibrators.notLoaded()).hasSize(3)
                .anyMatch(r -> r.contains("NoSuchCalibrator"))
                .anyMatch(r -> r.contains("cannot start"))
                .anyMatch(r -> r.contains("calls itself '../escaped'"));
    }

    @Test
    void anAmaxIsFiniteNotNegativeAndWithoutASignBit() {
        assertThat(Amax.isValid(0f)).isTrue();
        assertThat(Amax.isValid(Float.MIN_VALUE)).isTrue();
        assertThat(Amax.isValid(Float.MAX_VALUE)).isTrue();
        assertThat(Amax.isValid(-0f)).isFalse();
        assertThat(Amax.isValid(-1f)).isFalse();
        assertThat(Amax.isValid(Float.NaN)).isFalse();
        assertThat(Amax.isValid(Float.POSITIVE_INFINITY)).isFalse();
        // statistics obey the same rule: a -0.0 max used to be accepted, then blamed on the max method
        assertThatThrownBy(() -> new TensorStatistics("t", null, -0f, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 't': max |x| must be finite and >= 0, got -0.0");
    }

    @Test
    void aMethodsAmaxIsCheckedAndItsFailuresNamed() {
        TensorStatistics stats = collect(new float[] {1, -3});
        assertThat(Calibrators.amax(Calibrators.byName("double-max"), stats, DEFAULTS)).isEqualTo(6f);
        assertThatThrownBy(() -> Calibrators.amax(Calibrators.byName("nan-amax"), stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessage("tensor '" + stats.name() + "': calibration method 'nan-amax' ("
                        + MisbehavingCalibrators.NanAmax.class.getName() + ") gave amax NaN, not a finite amax >= 0");
        Calibrator negativeZero = calibrator("minus-zero", () -> -0f);
        assertThatThrownBy(() -> Calibrators.amax(negativeZero, stats, DEFAULTS))
                .hasMessageContaining("gave amax -0.0, not a finite amax >= 0");
        Calibrator throwing = calibrator("boom", () -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> Calibrators.amax(throwing, stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageEndingWith("calibration method 'boom' (" + throwing.getClass().getName()
                        + ") failed: java.lang.IllegalStateException: boom")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    /** Errors a plug-in's own code raises are one message naming it too, not a stack trace past the caller. */
    @Test
    void aPlugInsErrorsAreNamedAsItsExceptionsAre() {
        TensorStatistics stats = collect(new float[] {1, -3});
        Calibrator asserting = calibrator("asserting", () -> {
            throw new AssertionError("boom");
        });
        assertThatThrownBy(() -> Calibrators.amax(asserting, stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageEndingWith("calibration method 'asserting' (" + asserting.getClass().getName()
                        + ") failed: java.lang.AssertionError: boom");
        Calibrator recursing = calibrator("recursing", () -> {
            throw new StackOverflowError();
        });
        assertThatThrownBy(() -> Calibrators.amax(recursing, stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'recursing'").hasMessageContaining("StackOverflowError");
        Calibrator unpackaged = calibrator("unpackaged", () -> {
            throw new NoClassDefFoundError("p/Helper");
        });
        assertThatThrownBy(() -> Calibrators.amax(unpackaged, stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'unpackaged'")
                .hasMessageContaining("java.lang.NoClassDefFoundError: p/Helper (a class the plug-in needs is "
                        + "missing from the class path");
    }

    /** A method called {@code name} whose every amax is {@code result}'s. */
    private static Calibrator calibrator(String name, Supplier<Float> result) {
        return new Calibrator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
                return result.get();
            }
        };
    }

    @Test
    void everyMethodDescribesItself() {
        assertThat(Calibrators.available()).allSatisfy(c -> assertThat(c.description()).isNotBlank());
    }
}
