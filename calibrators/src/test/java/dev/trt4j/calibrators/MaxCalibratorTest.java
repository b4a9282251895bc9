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
    void aQuietFirstBatchGivesTheMaxOnceTheHistogramIsDroppedAndTellsHistogramMethodsWhy() {
        TensorStatisticsCollector collector = new TensorStatisticsCollector("stream", 2048, false);
        collector.dropHistogramOnOverflow();
        collector.collect(new float[] {1e-7f, -1e-7f}, 0, 2);
        collector.collect(new float[] {0.25f, -0.9999968f}, 0, 2);
        TensorStatistics statistics = collector.statistics();
        assertThat(statistics.count()).isEqualTo(4);
        assertThat(max.computeAmax(statistics, DEFAULTS)).isEqualTo(0.9999968f);
        assertThatThrownBy(() -> new EntropyCalibrator().computeAmax(statistics, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("tensor 'stream': the entropy method needs a histogram but it was dropped")
                .hasMessageContaining("would grow the histogram").hasMessageContaining("--range-pass");
        // without the request, the same data fails at the batch that would grow it too far
        TensorStatisticsCollector strict = new TensorStatisticsCollector("stream", 2048, false);
        strict.collect(new float[] {1e-7f}, 0, 1);
        assertThatThrownBy(() -> strict.collect(new float[] {0.9999968f}, 0, 1))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("would grow the histogram");
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
