package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.arange;
import static dev.trt4j.calibrators.Fixtures.bits;
import static dev.trt4j.calibrators.Fixtures.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Vectors of NVIDIA's calibrator_test.py / ModelOpt test_calibrator.py (calibration.md §8.1). */
class PercentileCalibratorTest {
    private final Calibrator percentile = new PercentileCalibrator();

    @Test
    void oneTensor() {
        float amax = percentile.computeAmax(collect(arange(100, 1)), DEFAULTS.withPercentile(90));
        assertThat(bits(amax)).isEqualTo(0x42b1fcc0); // 88.99365, left edge of bin 1841
    }

    @Test
    void unsignedOneTensor() {
        float amax = percentile.computeAmax(collect(arange(100, 1)),
                DEFAULTS.withUnsigned(true).withPercentile(80));
        assertThat(bits(amax)).isEqualTo(0x429df980); // 78.987305, bin 1634
    }

    @Test
    void twoTensors() {
        float amax = percentile.computeAmax(collect(arange(100, 1), arange(100, 0.5f)),
                DEFAULTS.withPercentile(99));
        assertThat(bits(amax)).isEqualTo(0x42c1f080); // 96.96973, bin 2006
    }

    @Test
    void skipZerosAfterGrowth() {
        TensorStatistics stats = collect(2048, true, new float[] {0, 0, 0, 0, 0, 1, 2, 3, 4, 5},
                new float[] {0, 0, 0, 0, 0, 6, 7, 8, 9, 10});
        float amax = percentile.computeAmax(stats, DEFAULTS.withPercentile(50));
        assertThat(bits(amax)).isEqualTo(0x409fec00); // 4.9975586, edge 2047
    }

    @Test
    void hundredGivesTheLeftEdgeOfTheMaximumsBin() {
        TensorStatistics stats = collect(arange(100, 1));
        assertThat(percentile.computeAmax(stats, DEFAULTS.withPercentile(100))).isEqualTo(98.95166f);
        assertThat(percentile.computeAmax(stats, DEFAULTS.withPercentile(0))).isZero();
    }

    @Test
    void percentileOutsideZeroToHundredIsARangeError() {
        assertThatThrownBy(() -> DEFAULTS.withPercentile(-10)).hasMessageContaining("range");
        assertThatThrownBy(() -> DEFAULTS.withPercentile(200)).hasMessageContaining("range");
    }

    @Test
    void onlyZerosLeftOutBySkipZerosGiveRangeZero() {
        TensorStatistics stats = collect(2048, true, new float[] {0, 0});
        assertThat(percentile.computeAmax(stats, DEFAULTS)).isZero();
    }
}
