package dev.trt4j.quantize;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.calibrators.TensorStatistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightCalibratorTest {
    private static final float[] W = {1f, -5f, 2f, 0.5f, 3f, -4f}; // shape [2, 3]
    private static final List<Long> DIMS = List.of(2L, 3L);

    @Test
    void maxPerChannelAlongEitherAxisAndPerTensor() {
        WeightCalibrator max = WeightCalibrator.max();

        assertThat(max.amax("w", W, DIMS, 0)).containsExactly(5f, 4f);
        assertThat(max.amax("w", W, DIMS, 1)).containsExactly(1f, 5f, 4f);
        assertThat(max.amax("w", W, DIMS, -1)).containsExactly(5f);
        assertThat(max.name()).isEqualTo("max");
    }

    @Test
    void histogramMethodsSeeOneHistogramPerChannel() {
        List<TensorStatistics> seen = new ArrayList<>();
        Calibrator halfRange = new Calibrator() {
            @Override
            public String name() {
                return "half";
            }

            @Override
            public float computeAmax(TensorStatistics s, CalibrationOptions o) {
                seen.add(s);
                return s.histogram().edge(s.histogram().numBins() / 2);
            }
        };
        WeightCalibrator c = WeightCalibrator.histogram(halfRange, CalibrationOptions.defaults());
        float[] w = {1f, -5f, 2f, 0f, 0f, 0f, 0.5f, 3f, -4f}; // [3, 3], channel 1 all zeros

        float[] amax = c.amax("w", w, List.of(3L, 3L), 0);

        assertThat(amax).containsExactly(2.5f, 0f, 2f);
        assertThat(seen).extracting(TensorStatistics::name).containsExactly("w[0]", "w[2]");
        assertThat(seen).extracting(TensorStatistics::count).containsExactly(3L, 3L);
        assertThat(seen.get(0).histogram().numBins()).isEqualTo(WeightCalibrator.HISTOGRAM_BINS);
        assertThat(c.name()).isEqualTo("half");
    }

    @Test
    void percentileByNameClipsEachChannelAtItsOwnPercentile() {
        float[] w = new float[200]; // [2, 100]: channel 0 holds ±1..±100, channel 1 the same halved
        for (int i = 0; i < 100; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
            w[100 + i] = w[i] / 2;
        }
        WeightCalibrator p50 = WeightCalibrator.byName("percentile",
                CalibrationOptions.defaults().withPercentile(50));

        float[] amax = p50.amax("w", w, List.of(2L, 100L), 0);

        // The left edge of the bin where half the magnitudes are reached: within one bin (max/2048) below 50.
        assertThat(amax[0]).isBetween(50f - 100f / 2048 - 1e-4f, 50f);
        assertThat(amax[1]).isBetween(25f - 50f / 2048 - 1e-4f, 25f);
        assertThat(p50.name()).isEqualTo("percentile");
    }

    @Test
    void aChannelOfSubnormalWeightsKeepsItsMax() {
        float[] w = new float[200]; // [2, 100]: channel 0 ordinary, channel 1 all below 5e-41 (subnormal)
        for (int i = 0; i < 100; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) / 100f;
            w[100 + i] = (i + 1) * 5e-43f;
        }
        for (String method : List.of("mse", "percentile")) {
            float[] amax = WeightCalibrator.byName(method, CalibrationOptions.defaults()).amax("w", w,
                    List.of(2L, 100L), 0);

            assertThat(amax[1]).as(method).isEqualTo(100 * 5e-43f);
            assertThat(amax[0]).as(method).isBetween(0.5f, 1f);
        }
    }

    @Test
    void mseByNameSeesEachColumnOfAnInOutWeight() {
        int rows = 300;
        float[] w = new float[rows * 3]; // [300, 3]: channel = column (axis 1), each with its own spread
        float[] g = ModelBuilder.gaussian(12, w.length, 1.0);
        for (int i = 0; i < w.length; i++) {
            w[i] = g[i] * (1 + i % 3);
        }
        CalibrationOptions options = CalibrationOptions.defaults();

        float[] amax = WeightCalibrator.byName("mse", options).amax("w", w, List.of((long) rows, 3L), 1);

        Calibrator mse = Calibrators.byName("mse");
        for (int c = 0; c < 3; c++) {
            float[] column = new float[rows];
            float max = 0;
            for (int r = 0; r < rows; r++) {
                column[r] = w[r * 3 + c];
                max = Math.max(max, Math.abs(column[r]));
            }
            TensorStatisticsCollector stats = new TensorStatisticsCollector("col", WeightCalibrator.HISTOGRAM_BINS,
                    false);
            stats.collect(column, 0, rows);
            assertThat(amax[c]).as("column %d", c).isEqualTo(mse.computeAmax(stats.statistics(), options))
                    .isLessThanOrEqualTo(max);
        }
        assertThat(amax[2]).isGreaterThan(amax[0]);
    }

    @Test
    void unknownAndUnsuitableMethodsAndBadWeightsAreOneLineErrors() {
        assertThatThrownBy(() -> WeightCalibrator.byName("entropy", CalibrationOptions.defaults()))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("entropy");
        assertThatThrownBy(() -> WeightCalibrator.byName("median", CalibrationOptions.defaults()))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("'median'").hasMessageContaining("percentile");
        assertThatThrownBy(() -> WeightCalibrator.max().amax("conv_w", new float[] {1f, Float.NaN}, List.of(2L), 0))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'conv_w'").hasMessageNotContaining("\n");
    }
}
