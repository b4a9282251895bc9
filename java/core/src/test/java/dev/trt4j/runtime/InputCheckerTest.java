package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputCheckerTest {
    private static final List<String> BERT = List.of("batch_size", "sequence_length");
    private static final List<TensorSpec> SPECS = List.of(
            new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, BERT),
            new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, BERT));

    private static HostTensor ids(long batch, long length) {
        return HostTensor.ofLongs(new long[] {batch, length}, new long[(int) (batch * length)]);
    }

    /** ONNX Runtime would broadcast a mask of batch 1 over a batch of 2 without a word. */
    @Test
    void inputsSharingASymbolicDimensionMustAgreeOnIt() {
        assertThatCode(() -> InputChecker.check("m", SPECS, Map.of("input_ids", ids(2, 8), "attention_mask",
                ids(2, 8)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> InputChecker.check("m", SPECS, Map.of("input_ids", ids(2, 8), "attention_mask",
                ids(1, 8)))).isInstanceOf(dev.trt4j.InvalidInputException.class).hasMessageEndingWith("share dimension "
                + "'batch_size', but the data gives it 2 and 1");
        assertThatThrownBy(() -> InputChecker.check("m", SPECS, Map.of("input_ids", ids(1, 8), "attention_mask",
                ids(1, 9)))).hasMessageContaining("'sequence_length', but the data gives it 8 and 9");
        // placeholder names such as '?' say nothing about sharing
        List<String> unnamed = java.util.Arrays.asList("?", "?");
        List<TensorSpec> paddle = List.of(new TensorSpec("a", ElementType.INT64, new long[] {-1, -1}, unnamed),
                new TensorSpec("b", ElementType.INT64, new long[] {-1, -1}, unnamed));
        assertThatCode(() -> InputChecker.check("m", paddle, Map.of("a", ids(2, 8), "b", ids(1, 3))))
                .doesNotThrowAnyException();
    }

    @Test
    void anEmptyBatchIsRefusedNamingTheInput() {
        // Some models pass it through, others fail on a node deep in the graph (the PP-OCR classifier's Reshape).
        assertThatThrownBy(() -> InputChecker.check("m", SPECS, Map.of("input_ids", ids(0, 8), "attention_mask",
                ids(0, 8)))).isInstanceOf(dev.trt4j.InvalidInputException.class)
                .hasMessage("m: input 'input_ids' has an empty batch (shape [0,8]); give at least one sample");
        // A 1-D input of length 0 is data, not a batch: left to the model.
        List<TensorSpec> list = List.of(new TensorSpec("words", ElementType.INT64, new long[] {-1}, List.of("n")));
        assertThatCode(() -> InputChecker.check("m", list, Map.of("words", HostTensor.ofLongs(new long[] {0},
                new long[0])))).doesNotThrowAnyException();
    }

    @Test
    void aNullTensorIsANullPointerNamingTheInput() {
        Map<String, HostTensor> inputs = new HashMap<>();
        inputs.put("input_ids", ids(1, 8));
        inputs.put("attention_mask", null);

        assertThatThrownBy(() -> InputChecker.check("m", SPECS, inputs)).isInstanceOf(NullPointerException.class)
                .hasMessage("input 'attention_mask' is null");
        assertThat(inputs).hasSize(2);
    }

    /** Host tensors hold no bytes: integer data feeds one-byte inputs, and its values are checked when staged. */
    @Test
    void integerDataFeedsOneByteInputsButFloatsDoNot() {
        for (ElementType type : new ElementType[] {ElementType.BOOL, ElementType.INT8, ElementType.UINT8}) {
            assertThat(InputChecker.converts(ElementType.INT32, type)).as("%s", type).isTrue();
            assertThat(InputChecker.converts(ElementType.INT64, type)).as("%s", type).isTrue();
            assertThat(InputChecker.converts(ElementType.FLOAT32, type)).as("%s", type).isFalse();
        }
        List<TensorSpec> mask = List.of(new TensorSpec("mask", ElementType.BOOL, new long[] {2}, null));
        assertThatCode(() -> InputChecker.check("m", mask, Map.of("mask", HostTensor.ofInts(new long[] {2},
                new int[] {1, 0})))).doesNotThrowAnyException();
        assertThatThrownBy(() -> InputChecker.check("m", mask, Map.of("mask", HostTensor.ofFloats(new long[] {2},
                new float[2])))).hasMessage("m: input 'mask' is BOOL but the data is FLOAT32");
    }
}
