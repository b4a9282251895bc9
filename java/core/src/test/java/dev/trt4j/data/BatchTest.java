package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
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
    void inputsWithAnOpenFirstDimensionMustCarryTheBatchThere() {
        HostTensor ids = HostTensor.ofLongs(new long[] {2, 3}, new long[6]);
        HostTensor state = HostTensor.ofFloats(new long[] {2, 3, 4}, new float[24]);
        HostTensor gain = HostTensor.ofFloats(new long[0], new float[] {1});
        List<TensorSpec> model = List.of(new TensorSpec("ids", ElementType.INT64, new long[] {-1, 3}, null),
                new TensorSpec("state", ElementType.FLOAT32, new long[] {2, -1, 4}, null),
                new TensorSpec("gain", ElementType.FLOAT32, new long[0], null));

        // a stream state with its batch on axis 1 and a scalar shared by every sample are not held to it
        assertThatCode(() -> new Batch(3, Map.of("ids", HostTensor.ofLongs(new long[] {3, 3}, new long[9]),
                "state", state, "gain", gain)).requireBatchDimension("my source", model)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Batch(3, Map.of("ids", ids, "state", state, "gain", gain))
                .requireBatchDimension("my source", model))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("my source: a batch of 3 samples holds input 'ids' of shape [2, 3]; its first dimension "
                        + "must be the batch size");
        HostTensor scalar = HostTensor.ofLongs(new long[0], new long[] {1});
        assertThatThrownBy(() -> new Batch(1, Map.of("ids", scalar)).requireBatchDimension("my source", model))
                .hasMessage("my source: a batch of 1 sample holds input 'ids' of shape []; its first dimension must "
                        + "be the batch size");
    }

    @Test
    void aNonFiniteValueInAnInputWithoutTheBatchFirstIsNamedWithoutASample() {
        // Before, a NaN scalar in a batch of 2 threw ArithmeticException (/ by zero), and a NaN in a state [2,3,4]
        // was put in the wrong sample.
        Batch scalar = new Batch(2, Map.of("gain", HostTensor.ofFloats(new long[0], new float[] {Float.NaN})));
        float[] s = new float[24];
        s[5] = Float.POSITIVE_INFINITY;
        Batch state = new Batch(3, Map.of("state", HostTensor.ofFloats(new long[] {2, 3, 4}, s)));

        assertThatThrownBy(() -> scalar.requireFinite("mine", 0)).isInstanceOf(Trt4jException.class)
                .hasMessage("mine: input 'gain' [] holds NaN (value 0); the model needs finite inputs");
        assertThatThrownBy(() -> state.requireFinite("mine", 0)).isInstanceOf(Trt4jException.class)
                .hasMessage("mine: input 'state' [2, 3, 4] holds Infinity (value 5); the model needs finite inputs");
    }

    @Test
    void firstSamplesCutsTheBatchAxisKeepsScalarsAndRefusesWhatItCannotPlace() {
        List<TensorSpec> model = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 2}, null),
                new TensorSpec("gain", ElementType.FLOAT32, new long[0], null));
        Batch batch = new Batch(3, Map.of("x", HostTensor.ofFloats(new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                "gain", HostTensor.ofFloats(new long[0], new float[] {2})));

        Batch two = batch.firstSamples(2, model, "mine");

        assertThat(two.size()).isEqualTo(2);
        assertThat(two.inputs().get("x").shape()).containsExactly(2, 2);
        assertThat(two.inputs().get("x").floats()).containsExactly(1, 2, 3, 4);
        assertThat(two.inputs().get("gain").floats()).containsExactly(2); // before: ArrayIndexOutOfBoundsException
        List<TensorSpec> withState = List.of(model.get(0),
                new TensorSpec("state", ElementType.FLOAT32, new long[] {2, -1, 4}, null));
        Batch streaming = new Batch(3, Map.of("x", batch.inputs().get("x"),
                "state", HostTensor.ofFloats(new long[] {2, 3, 4}, new float[24])));
        assertThatThrownBy(() -> streaming.firstSamples(2, withState, "mine")).isInstanceOf(Trt4jException.class)
                .hasMessage("mine: cannot take the first 2 of a batch of 3 samples: input 'state' [2,?,4] has a "
                        + "fixed first dimension, so where its samples lie is not known; ask for a multiple of the "
                        + "batch size, or no sample limit");
    }
}
