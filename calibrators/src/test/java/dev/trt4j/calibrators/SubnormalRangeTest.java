package dev.trt4j.calibrators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tensors whose largest magnitude is so small that the histogram's step is subnormal: float32 linspace then gives
 * edges that stray from the line by up to a bin count of {@link Float#MIN_VALUE}, even out of order, and every method
 * must still give the reference's range. The expected bits come from an independent implementation of the
 * reference (torch.linspace and histc in float32, then each method), written from calibration.md.
 */
class SubnormalRangeTest {
    private static TensorStatistics collect(float... values) {
        TensorStatisticsCollector collector = new TensorStatisticsCollector("tiny", 2048, false);
        collector.collect(values, 0, values.length);
        return collector.statistics();
    }

    private static int amaxBits(String method, TensorStatistics statistics) {
        return Float.floatToRawIntBits(Calibrators.amax(Calibrators.byName(method), statistics,
                CalibrationOptions.defaults()));
    }

    @Test
    void aRangeNear1e37GivesTheReferencesRangeForEveryMethod() {
        TensorStatistics tiny = collect(1e-37f, -3e-38f, 2e-38f);

        assertThat(amaxBits("max", tiny)).isEqualTo(Float.floatToRawIntBits(1e-37f));
        assertThat(amaxBits("entropy", tiny)).isEqualTo(0x00d97655);
        assertThat(amaxBits("percentile", tiny)).isEqualTo(0x02080be6);
        assertThat(amaxBits("mse", tiny)).isEqualTo(0x0044528e);
    }

    @Test
    void edgesOutOfOrderByTheLinspacesRoundingAreTakenButRealDisorderIsNot() {
        // a step near 5e-44: the two halves of linspace cross at bin 1024
        TensorStatistics crossing = collect(1e-40f, 0.3e-40f, 1e-45f, 0f);
        float[] edges = crossing.histogram().edges();
        assertThat(edges[1024]).isLessThan(edges[1023]);
        assertThat(amaxBits("max", crossing)).isEqualTo(Float.floatToRawIntBits(1e-40f));

        assertThatThrownBy(() -> new Histogram(new long[] {1, 1, 1}, new float[] {0f, 2f, 1f, 3f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edges decrease at 2");
    }

    @Test
    void growingToNearFloat32sLargestValueSaysTheRangeOverflows() {
        TensorStatisticsCollector collector = new TensorStatisticsCollector("big", 2048, false);
        collector.collect(new float[] {1f, 2f, 3f, 1e38f}, 0, 4);
        assertThatThrownBy(() -> collector.collect(new float[] {1f, Float.MAX_VALUE}, 0, 2))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("largest value")
                .hasMessageContaining("would overflow").message().doesNotContain("past");
    }
}
