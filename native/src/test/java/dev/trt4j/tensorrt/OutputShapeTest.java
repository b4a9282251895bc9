package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputShapeTest {
    @Test
    void aShapeTheContextInferredIsKept() {
        long[] shape = {2, 10};
        assertThat(OutputShape.resolved("m.engine", "y", 2, shape, Map.of(), Optional.empty())).isSameAs(shape);
        assertThat(OutputShape.resolved("m.engine", "y", 0, new long[0], Map.of(), Optional.empty())).isEmpty();
    }

    /** Before, rank -1 became a scalar shape: a 4-byte output was bound and enqueueV3 failed without saying why. */
    @Test
    void anUnknownRankNamesEngineOutputAndTheInputShapesGiven() {
        Map<String, long[]> inputs = new LinkedHashMap<>();
        inputs.put("a", new long[] {1, 3});
        inputs.put("b", new long[] {1, 4});
        assertThatThrownBy(() -> OutputShape.resolved("m.engine", "sum", -1, new long[0], inputs,
                Optional.of("IExecutionContext::getTensorShape: Error Code 7")))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("m.engine: TensorRT cannot infer the shape of output 'sum' from the input shapes "
                        + "a:1x3,b:1x4; check that they fit together (IExecutionContext::getTensorShape: Error Code 7)");
        assertThatThrownBy(() -> OutputShape.resolved("m.engine", "sum", -1, new long[0], inputs, Optional.empty()))
                .hasMessageEndingWith("check that they fit together");
    }
}
