package dev.trt4j.timing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricStatisticsTest {
    private static double[] oneTo(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    @Test
    void percentileCountsExcludedValuesFromTheTopInFloatArithmetic() {
        double[] ten = oneTo(10);
        // (1 - 0.9f) * 10 is 1.0000001f in float32, so one value is excluded: the 9th, not the maximum
        assertThat(MetricStatistics.percentile(ten, 90)).isEqualTo(9);
        assertThat(MetricStatistics.percentile(ten, 95)).isEqualTo(10);
        assertThat(MetricStatistics.percentile(ten, 99)).isEqualTo(10);
        assertThat(MetricStatistics.percentile(ten, 50)).isEqualTo(5);
        assertThat(MetricStatistics.percentile(ten, 100)).isEqualTo(10);
        assertThat(MetricStatistics.percentile(ten, 0)).isEqualTo(1);

        double[] hundred = oneTo(100);
        // (1 - 0.99f) * 100 is just below 1 in float32: nothing excluded, p99 is the maximum
        assertThat(MetricStatistics.percentile(hundred, 99)).isEqualTo(100);
        assertThat(MetricStatistics.percentile(hundred, 95)).isEqualTo(95);
        assertThat(MetricStatistics.percentile(hundred, 90)).isEqualTo(90);
    }

    @Test
    void percentileOfTinySamplesNeverLeavesTheArray() {
        assertThat(MetricStatistics.percentile(new double[] {7}, 50)).isEqualTo(7);
        assertThat(MetricStatistics.percentile(new double[] {7}, 1)).isEqualTo(7);
        assertThat(MetricStatistics.percentile(new double[] {3, 8}, 50)).isEqualTo(3);
        assertThat(MetricStatistics.percentile(new double[] {3, 8}, 99)).isEqualTo(8);
        assertThat(MetricStatistics.percentile(new double[] {3, 8}, 10)).isEqualTo(3);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(MetricStatistics.median(new double[] {1, 2, 3})).isEqualTo(2);
        assertThat(MetricStatistics.median(new double[] {1, 2, 3, 10})).isEqualTo(2.5);
        assertThat(MetricStatistics.median(new double[] {4})).isEqualTo(4);
    }

    @Test
    void summarisesUnsortedValuesWithoutTouchingThem() {
        double[] values = {4, 1, 3, 2};
        MetricStatistics s = MetricStatistics.of(values, List.of(50.0, 99.0));
        assertThat(values).containsExactly(4, 1, 3, 2);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.percentiles()).extracting(PercentileValue::percentile).containsExactly(50.0, 99.0);
        assertThat(s.percentile(50)).isEqualTo(2);
        assertThat(s.percentile(99)).isEqualTo(4);
        // population standard deviation sqrt(1.25) over the mean 2.5
        assertThat(s.coefficientOfVariation()).isCloseTo(Math.sqrt(1.25) / 2.5 * 100, within(1e-12));
    }

    @Test
    void constantValuesHaveNoVariation() {
        assertThat(MetricStatistics.of(new double[] {2, 2, 2}, List.of()).coefficientOfVariation()).isZero();
        assertThat(MetricStatistics.of(new double[] {0, 0}, List.of()).coefficientOfVariation()).isZero();
    }

    @Test
    void rejectsEmptyInputAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> MetricStatistics.of(new double[0], List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricStatistics.percentile(oneTo(3), 100.5))
                .hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> MetricStatistics.of(oneTo(3), List.of(50.0)).percentile(90))
                .hasMessageContaining("was not computed");
    }
}
