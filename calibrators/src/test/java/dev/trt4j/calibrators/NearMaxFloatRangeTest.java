package dev.trt4j.calibrators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transformer exports fill masked attention scores with -3.4e38 (float32's lowest value). Upstream overflows
 * to infinity on such ranges; trt4j must place the values and return finite ranges.
 */
class NearMaxFloatRangeTest {
    private static TensorStatistics maskStatistics() {
        float[] mask = new float[64];
        for (int i = 48; i < mask.length; i++) {
            mask[i] = -Float.MAX_VALUE; // 16 padded positions, 48 real tokens (0)
        }
        TensorStatisticsCollector collector = new TensorStatisticsCollector("/Mul_output_0", 2048, false);
        collector.collect(mask, 0, mask.length);
        return collector.statistics();
    }

    @Test
    void histogramPlacesTheFillValueInTheLastBin() {
        Histogram h = maskStatistics().histogram();
        assertThat(h.count(h.numBins() - 1)).isEqualTo(16);
        assertThat(h.count(0)).isEqualTo(48);
        assertThat(h.total()).isEqualTo(64);
    }

    @Test
    void everyMethodReturnsAFiniteAmax() {
        TensorStatistics s = maskStatistics();
        CalibrationOptions options = CalibrationOptions.defaults();
        for (String name : java.util.List.of("max", "entropy", "percentile", "mse")) {
            assertThat(Calibrators.byName(name).computeAmax(s, options)).as(name).isFinite().isPositive();
        }
        float trt = Calibrators.byName("entropy").computeAmax(s, options.withTrtEntropyThreshold(true));
        assertThat(trt).isFinite().isPositive();
    }

    @Test
    void mseCentreOfTheLastBinLiesInsideIt() {
        TensorStatistics s = maskStatistics();
        float amax = Calibrators.byName("mse").computeAmax(s, CalibrationOptions.defaults());
        Histogram h = s.histogram();
        assertThat(amax).isLessThanOrEqualTo(h.edge(h.numBins())).isGreaterThanOrEqualTo(h.edge(1) / 2);
    }
}
