package dev.trt4j;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Trt4jExceptionTest {
    @Test
    void aPrefixKeepsTheKindOfError() {
        Trt4jException option = new InvalidOptionException("--fix-input: input 'x' has a dimension that is not fixed")
                .prefixed("cls.onnx: ");
        assertThat(option).isExactlyInstanceOf(InvalidOptionException.class)
                .hasMessage("cls.onnx: --fix-input: input 'x' has a dimension that is not fixed");
        Trt4jException file = new Trt4jException("not an ONNX model").prefixed("m.onnx: ");
        assertThat(file).isExactlyInstanceOf(Trt4jException.class).hasMessage("m.onnx: not an ONNX model")
                .hasCauseInstanceOf(Trt4jException.class);
    }
}
