package dev.trt4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorSpecTest {
    private static final TensorSpec IMAGE = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);

    @Test
    void acceptsAnyValueInDynamicDimensionsAndOnlyTheFixedValueElsewhere() {
        assertThat(IMAGE.accepts(new long[] {1, 3, 48, 192})).isTrue();
        assertThat(IMAGE.accepts(new long[] {8, 3, 48, 320})).isTrue();
        assertThat(IMAGE.accepts(new long[] {1, 1, 48, 192})).isFalse();
        assertThat(IMAGE.accepts(new long[] {1, 3, 32, 192})).isFalse();
    }

    @Test
    void refusesOtherRanks() {
        assertThat(IMAGE.accepts(new long[] {3, 48, 192})).isFalse();
        assertThat(IMAGE.accepts(new long[] {1, 3, 48, 192, 1})).isFalse();
        assertThat(new TensorSpec("s", ElementType.INT64, new long[0], null).accepts(new long[0])).isTrue();
    }

    @Test
    void dimensionNamesComeOnePerDimension() {
        TensorSpec named = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3}, java.util.Arrays.asList("N",
                null));
        assertThat(named.dimNames()).containsExactly("N", null);
        assertThatThrownBy(() -> new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3}, List.of("N")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'x': 1 dimension names for 2 dimensions");
    }
}
