package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchTest {
    @Test
    void nonFiniteInputsAreNamedBySampleInputAndValue() {
        float[] x = {1, 2, 3, 4, 5, Float.POSITIVE_INFINITY};
        Batch batch = new Batch(3, Map.of("ids", HostTensor.ofLongs(new long[] {3, 1}, new long[] {1, 2, 3}),
                "x", HostTensor.ofFloats(new long[] {3, 2}, x)));

        assertThatThrownBy(() -> batch.requireFinite("data.npy", 8)).isInstanceOf(Trt4jException.class)
                .hasMessage("data.npy: sample 10 holds Infinity in input 'x' (value 1 of the sample); the model needs "
                        + "finite inputs");
        x[5] = 6;
        x[0] = Float.NaN;
        assertThatThrownBy(() -> batch.requireFinite("data.npy", 0))
                .hasMessage("data.npy: sample 0 holds NaN in input 'x' (value 0 of the sample); the model needs "
                        + "finite inputs");
        x[0] = 0;
        assertThatCode(() -> batch.requireFinite("data.npy", 0)).doesNotThrowAnyException();
    }

    @Test
    void everyInputMustCarryTheBatchAsItsFirstDimension() {
        HostTensor ids = HostTensor.ofLongs(new long[] {2, 3}, new long[6]);
        assertThatCode(() -> new Batch(2, Map.of("ids", ids)).requireBatchDimension("my source"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Batch(3, Map.of("ids", ids)).requireBatchDimension("my source"))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("my source: a batch of 3 samples holds input 'ids' of shape [2, 3]; its first dimension "
                        + "must be the batch size");
        HostTensor scalar = HostTensor.ofFloats(new long[0], new float[] {1});
        assertThatThrownBy(() -> new Batch(1, Map.of("t", scalar)).requireBatchDimension("my source"))
                .hasMessage("my source: a batch of 1 sample holds input 't' of shape []; its first dimension must be "
                        + "the batch size");
    }
}
