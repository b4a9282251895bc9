package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
                .hasMessageContaining("double-max, entropy, max, mse, percentile");
    }

    @Test
    void everyMethodDescribesItself() {
        assertThat(Calibrators.available()).allSatisfy(c -> assertThat(c.description()).isNotBlank());
    }
}
