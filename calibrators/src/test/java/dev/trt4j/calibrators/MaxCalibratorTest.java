package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.collect;
import static dev.trt4j.calibrators.Fixtures.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaxCalibratorTest {
    private final Calibrator max = new MaxCalibrator();

    @Test
    void amaxIsTheMaximumOverAllBatches() {
        Random random = new Random(12345);
        float[] x1 = rand(random, 129);
        float[] x2 = rand(random, 127);
        float expected = 0;
        for (float v : x1) {
            expected = Math.max(expected, v);
        }
        for (float v : x2) {
            expected = Math.max(expected, v);
        }
        assertThat(max.computeAmax(collect(x1, x2), DEFAULTS)).isEqualTo(expected);
        assertThat(max.computeAmax(collect(x1, x2), DEFAULTS.withUnsigned(true).withNumBits(4))).isEqualTo(expected);
    }

    @Test
    void negativeValuesCountByMagnitude() {
        assertThat(max.computeAmax(collect(new float[] {0.5f, -3f}, new float[] {2f}), DEFAULTS)).isEqualTo(3f);
    }

    @Test
    void nothingCollectedIsAnError() {
        assertThatThrownBy(() -> max.computeAmax(collect(), DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'t'");
    }
}
