package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A histogram whose counts are all 0 has no distribution: every histogram method refuses it alike. */
class EmptyHistogramTest {
    @ParameterizedTest
    @ValueSource(strings = {"entropy", "mse", "percentile"})
    void everyHistogramMethodRefusesAllZeroCounts(String method) {
        float[] edges = new float[2049];
        for (int k = 0; k < edges.length; k++) {
            edges[k] = k / 2048f;
        }
        TensorStatistics stats = new TensorStatistics("t", new Histogram(new long[2048], edges), 0f, 0);
        assertThatThrownBy(() -> Calibrators.byName(method).computeAmax(stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'t'")
                .hasMessageContaining(method)
                .hasMessageContaining("every bin count is 0");
    }

    /** With skip-zeros an all-zero tensor keeps no histogram; its range is 0, as without skip-zeros. */
    @ParameterizedTest
    @ValueSource(strings = {"max", "entropy", "mse", "percentile"})
    void aTensorOfOnlySkippedZerosHasRangeZeroAsWithoutSkipZeros(String method) {
        TensorStatisticsCollector skipping = new TensorStatisticsCollector("dead", 2048, true);
        skipping.collect(new float[64], 0, 64);
        TensorStatisticsCollector keeping = new TensorStatisticsCollector("dead", 2048, false);
        keeping.collect(new float[64], 0, 64);

        assertThat(skipping.statistics().onlySkippedZeros()).isTrue();
        assertThat(Calibrators.byName(method).computeAmax(skipping.statistics(), DEFAULTS)).isZero()
                .isEqualTo(Calibrators.byName(method).computeAmax(keeping.statistics(), DEFAULTS));
        // a tensor no value reached is still an error: its data never arrived
        TensorStatistics none = new TensorStatisticsCollector("unreached", 2048, true).statistics();
        if (!method.equals("max")) {
            assertThatThrownBy(() -> Calibrators.byName(method).computeAmax(none, DEFAULTS))
                    .isInstanceOf(CalibrationException.class).hasMessageContaining("no values were collected");
        }
    }
}
