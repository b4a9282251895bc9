package dev.trt4j.quantize;

import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.TensorStatistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
