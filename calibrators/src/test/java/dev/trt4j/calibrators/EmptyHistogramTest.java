package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
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
}
