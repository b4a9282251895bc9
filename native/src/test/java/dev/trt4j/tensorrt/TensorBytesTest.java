package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorBytesTest {
    @Test
    void resolvedOutputsAreSizedByTheirElementType() {
        assertThat(TensorBytes.output("m.engine", "y", new long[] {2, 3, 4}, ElementType.FLOAT16)).isEqualTo(48);
        assertThat(TensorBytes.output("m.engine", "y", new long[] {}, ElementType.INT64)).isEqualTo(8);
        assertThat(TensorBytes.output("m.engine", "y", new long[] {0, 5}, ElementType.FLOAT32)).isZero();
    }

    @Test
    void aDataDependentOutputIsRefusedInOneLineNamingIt() {
        // TensorRT reports -1 for a NonZero-style output until the engine ran. Before, HostTensor.elementCount threw
        // an IllegalArgumentException ("shape [-1, 4] has a dynamic dimension") naming neither the output nor why.
        assertThatThrownBy(() -> TensorBytes.output("m.engine", "boxes", new long[] {-1, 4}, ElementType.FLOAT32))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("m.engine: output 'boxes' has the data-dependent shape [-1, 4]")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anOverflowingSizeIsOneLine() {
        assertThatThrownBy(() -> TensorBytes.output("m.engine", "y", new long[] {Long.MAX_VALUE, 2}, ElementType.INT32))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("output 'y'");
    }

    @Test
    void aTensorBeyondOneStagingBufferIsRefusedNamingIt() {
        // Before, PinnedHostBuffer threw "a staging buffer holds at most 2 GiB, asked for ..." naming no tensor.
        assertThatThrownBy(() -> TensorBytes.staged("input 'pixels'", TensorBytes.MAX_STAGED + 1))
                .isInstanceOf(dev.trt4j.InvalidInputException.class)
                .hasMessageStartingWith("input 'pixels' needs 2147483648 bytes; a host staging buffer holds at most")
                .hasMessageNotContaining("\n");
        assertThat(TensorBytes.staged("input 'pixels'", TensorBytes.MAX_STAGED)).isEqualTo(TensorBytes.MAX_STAGED);
        assertThat(TensorBytes.staged("output 'empty'", 0)).isEqualTo(1);
    }
}
