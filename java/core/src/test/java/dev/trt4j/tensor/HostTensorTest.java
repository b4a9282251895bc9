package dev.trt4j.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostTensorTest {
    @Test
    void aShapeThatIsNoFixedShapeOfTheDataIsAnIllegalArgumentNamingIt() {
        assertThatThrownBy(() -> HostTensor.ofFloats(new long[] {1, 3, 1L << 32, 1L << 32}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape [1, 3, 4294967296, 4294967296] holds more than 2^63 elements but the data has 0");
        assertThatThrownBy(() -> HostTensor.ofLongs(new long[] {1, 3, -48, -192}, new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape [1, 3, -48, -192] has a negative dimension (-48): a tensor's shape is fixed");
        assertThatThrownBy(() -> HostTensor.ofInts(new long[] {-1, 4}, new int[4]))
                .hasMessage("shape [-1, 4] has a negative dimension (-1): an open (dynamic) one, a tensor's shape is "
                        + "fixed");
        assertThatThrownBy(() -> HostTensor.ofFloats(new long[] {2, 3}, new float[5]))
                .hasMessage("shape [2, 3] holds 6 elements but the data has 5");
        assertThat(HostTensor.ofFloats(new long[] {2, 3}, new float[6]).shape()).containsExactly(2, 3);
    }
}
