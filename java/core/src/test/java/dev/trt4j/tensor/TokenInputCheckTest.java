package dev.trt4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenInputCheckTest {
    private static final HostTensor IDS = HostTensor.ofLongs(new long[] {2, 3}, new long[] {101, 7592, 102, 101, 102, 0});

    /** Token ids passed as the mask (an argument mix-up) made MiniLM answer NaN without an error. */
    @Test
    void aMaskHoldingAnythingButZeroAndOneIsRefusedWithWhere() {
        HostTensor idsAsMask = IDS;
        assertThatThrownBy(() -> TokenInputCheck.check("m.onnx", Map.of("input_ids", IDS, "attention_mask",
                idsAsMask))).isInstanceOf(dev.trt4j.InvalidInputException.class).hasMessage("m.onnx: input 'attention_mask' holds 101 "
                + "(row 0, position 0); a mask holds 1 for a token and 0 for padding (token ids given as the mask?)");
        HostTensor five = HostTensor.ofInts(new long[] {2, 3}, new int[] {1, 1, 1, 1, 5, 0});
        assertThatThrownBy(() -> TokenInputCheck.check("m.onnx", Map.of("input_ids", IDS, "attention_mask", five)))
                .hasMessageStartingWith("m.onnx: input 'attention_mask' holds 5 (row 1, position 1)");

        HostTensor mask = HostTensor.ofLongs(new long[] {2, 3}, new long[] {1, 1, 1, 1, 1, 0});
        assertThatCode(() -> TokenInputCheck.check("m.onnx", Map.of("input_ids", IDS, "attention_mask", mask)))
                .doesNotThrowAnyException();
        // a float mask (some exports add it to the scores) is the model's to read
        HostTensor floats = HostTensor.ofFloats(new long[] {2, 3}, new float[] {1, 1, 1, 1, 1, -10000});
        assertThatCode(() -> TokenInputCheck.check("m.onnx", Map.of("input_ids", IDS, "attention_mask", floats)))
                .doesNotThrowAnyException();
    }
}
