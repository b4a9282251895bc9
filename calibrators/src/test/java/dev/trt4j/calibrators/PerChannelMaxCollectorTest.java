package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PerChannelMaxCollectorTest {
    private static final long[] SHAPE = {31, 63, 7, 7};

    @Test
    void fineGrainAxisZeroAndItsReverse() {
        Random random = new Random(12345);
        float[] x1 = rand(random, 31 * 63 * 7 * 7);
        float[] x2 = rand(random, 31 * 63 * 7 * 7);
        float[] expected = new float[31];
        for (int k = 0; k < 31; k++) {
            for (int rest = 0; rest < 63 * 7 * 7; rest++) {
                int index = k * 63 * 7 * 7 + rest;
                expected[k] = Math.max(expected[k], Math.max(x1[index], x2[index]));
            }
        }
        for (int axis : new int[] {0, -4}) {
            PerChannelMaxCollector collector = new PerChannelMaxCollector("w", axis);
            collector.collect(x1, SHAPE);
            collector.collect(x2, SHAPE);
            assertThat(collector.amax()).as("axis %d", axis).hasSize(31).containsExactly(expected);
            collector.reset();
            assertThat(collector.amax()).isNull();
        }
    }

    @Test
    void innerAxisAndNegativeValues() {
        // shape (2, 3, 2), axis 1: channel c holds x[a][c][b] for all a, b
        float[] x = {
            1, -2, 3, 0, 0, 0.5f,
            -7, 1, 0, 4, 2, -2};
        PerChannelMaxCollector collector = new PerChannelMaxCollector("w", 1);
        collector.collect(x, new long[] {2, 3, 2});
        assertThat(collector.amax()).containsExactly(7, 4, 2);
        PerChannelMaxCollector last = new PerChannelMaxCollector("w", -1);
        last.collect(x, new long[] {2, 3, 2});
        assertThat(last.amax()).containsExactly(7, 4);
    }

    @Test
    void shapeChangeIsAnError() {
        PerChannelMaxCollector collector = new PerChannelMaxCollector("conv.weight", 0);
        collector.collect(new float[32 * 63 * 7 * 7], new long[] {32, 63, 7, 7});
        assertThatThrownBy(() -> collector.collect(new float[33 * 63 * 7 * 7], new long[] {33, 63, 7, 7}))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("conv.weight")
                .hasMessageContaining("amax shape changed");
        assertThat(collector.amax()).hasSize(32);
    }

    @Test
    void inconsistentInputIsAnError() {
        PerChannelMaxCollector collector = new PerChannelMaxCollector("w", 4);
        assertThatThrownBy(() -> collector.collect(new float[4], new long[] {2, 2}))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("axis 4");
        PerChannelMaxCollector axis0 = new PerChannelMaxCollector("w", 0);
        assertThatThrownBy(() -> axis0.collect(new float[5], new long[] {2, 2}))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("holds 4 values");
        axis0.collect(new float[] {1, 2, 3, 4}, new long[] {2, 2});
        assertThatThrownBy(() -> axis0.collect(new float[] {1, Float.NaN, 3, 9}, new long[] {2, 2}))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("not finite");
        assertThat(axis0.amax()).containsExactly(2, 4);
    }
}
