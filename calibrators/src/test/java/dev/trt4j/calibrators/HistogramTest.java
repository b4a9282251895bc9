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

    @Test
    void binsMustBeOfOneWidthUpToTheRoundingOfTheirEdges() {
        // The methods read a bin's range from its index: a last bin reaching 1000 would make an amax near 1000.
        assertThatThrownBy(() -> new Histogram(new long[] {5, 4, 1}, new float[] {0, 0.01f, 0.02f, 1000}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("histogram bins are not of one width (bin 0 is 0.01 wide, the mean 333.33334)");
        // A slow drift fails where it leaves the line, though each bin is within a thousandth of the one before.
        float[] drifting = new float[101];
        for (int i = 1; i < drifting.length; i++) {
            drifting[i] = drifting[i - 1] + (float) Math.pow(1.0009, i);
        }
        assertThatThrownBy(() -> new Histogram(new long[100], drifting)).hasMessageContaining("bin ");
        // Edges computed as i · width in float32, as a grown histogram has them, are of one width.
        float width = 0.01f / 2048;
        float[] grown = new float[1 << 18];
        for (int i = 0; i < grown.length; i++) {
            grown[i] = i * width;
        }
        assertThat(new Histogram(new long[grown.length - 1], grown).numBins()).isEqualTo(grown.length - 1);
        assertThat(new Histogram(new long[] {3}, new float[] {0, 0}).total()).isEqualTo(3);
    }
}
