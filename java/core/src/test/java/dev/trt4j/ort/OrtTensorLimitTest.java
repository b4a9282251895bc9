package dev.trt4j.ort;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrtTensorLimitTest {
    /** ONNX Runtime 1.29 takes up to Integer.MAX_VALUE - 8 elements' bytes in one tensor's buffer. */
    @Test
    void countsBytesNotValues() {
        assertThat(OrtTensorLimit.maxBytes(ElementType.FLOAT32)).isEqualTo(2_147_483_615L);
        assertThat(OrtTensorLimit.maxBytes(ElementType.UINT8)).isEqualTo(2_147_483_639L);
        assertThat(OrtTensorLimit.exceeded("input 'x'", new long[] {536_870_903}, ElementType.FLOAT32)).isEmpty();
        assertThat(OrtTensorLimit.exceeded("input 'x'", new long[] {536_870_904}, ElementType.FLOAT32)).isPresent();
        // the review's batch: fewer values than a Java array holds, more bytes than ONNX Runtime's buffer
        assertThat(OrtTensorLimit.exceeded("input 'x'", new long[] {20_000, 3, 48, 192}, ElementType.FLOAT32))
                .hasValue("input 'x' at 20000x3x48x192 would take 2,211,840,000 bytes (FLOAT32), more than one ONNX "
                        + "Runtime tensor takes (2,147,483,615)");
        // the same values as bytes fit, and as float16 (2 bytes each) they fit too
        assertThat(OrtTensorLimit.exceeded("input 'x'", new long[] {20_000, 3, 48, 192}, ElementType.UINT8)).isEmpty();
        assertThat(OrtTensorLimit.exceeded("input 'x'", new long[] {20_000, 3, 48, 192}, ElementType.FLOAT16))
                .isEmpty();
        assertThat(OrtTensorLimit.exceeded("output 'y'", new long[] {1L << 40, 1L << 40}, ElementType.INT64))
                .hasValue("output 'y' at 1099511627776x1099511627776 would take more than 2^63 bytes (INT64), more "
                        + "than one ONNX Runtime tensor takes (2,147,483,583)");
    }

    @Test
    void judgesDeclaredOutputsWithTheirNamedDimensionsTakenFromTheInputs() {
        List<TensorSpec> inputs = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 1},
                Arrays.asList("N", null)));
        TensorSpec big = new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, 268_435_472},
                Arrays.asList("N", null));
        TensorSpec open = new TensorSpec("z", ElementType.FLOAT32, new long[] {-1, -1}, Arrays.asList("N", "M"));
        OrtTensorLimit.requireDeclaredOutputsFit("m.onnx", inputs, List.of(big, open), Map.of("x", new long[] {1, 1}));
        OrtTensorLimit.requireDeclaredOutputsFit("m.onnx", inputs, List.of(open), Map.of("x", new long[] {4, 1}));
        assertThatThrownBy(() -> OrtTensorLimit.requireDeclaredOutputsFit("m.onnx", inputs, List.of(open, big),
                Map.of("x", new long[] {2, 1}))).isInstanceOf(InvalidOptionException.class)
                .hasMessage("m.onnx: output 'y' at 2x268435472 would take 2,147,483,776 bytes (FLOAT32), more than one "
                        + "ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes");
    }
}
