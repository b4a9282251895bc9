package dev.trt4j.calibrators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistogramTest {
    private static final float[] EDGES = {0, 1, 2, 3, 4};

    @Test
    void countsMustNotBeNegativeNorAddUpPastALong() {
        assertThatThrownBy(() -> new Histogram(new long[] {1, -2, 0, 0}, EDGES))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("histogram count 1 is negative: -2");
        // 5e18 + 5e18 would wrap around to a negative total
        long half = 5_000_000_000_000_000_000L;
        assertThatThrownBy(() -> new Histogram(new long[] {half, half, 1, 1}, EDGES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("histogram counts add up to more than 9223372036854775807 (at count 1)");
        assertThat(new Histogram(new long[] {half, 1, 1, 1}, EDGES).total()).isEqualTo(half + 3);
    }
}
