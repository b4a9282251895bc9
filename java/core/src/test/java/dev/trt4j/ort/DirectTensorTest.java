package dev.trt4j.ort;

import dev.trt4j.InvalidInputException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a request can get wrong when a context stages it: the caller's to correct, so a service's bad request. */
class DirectTensorTest {
    @Test
    void int64DataTooLargeForAnInt32InputIsTheCallers() throws Exception {
        try (DirectTensor ids = new DirectTensor(OrtRuntime.environment(), "m.onnx", "ids", ElementType.INT32)) {
            ids.reshape(new long[] {1, 3});
            ids.write(HostTensor.ofLongs(new long[] {1, 3}, new long[] {101, -7, 102}));
            assertThat(ids.copy().ints()).containsExactly(101, -7, 102);

            assertThatThrownBy(() -> ids.write(HostTensor.ofLongs(new long[] {1, 3}, new long[] {101, 3_000_000_000L,
                    102}))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("m.onnx: input 'ids': value 3000000000 at element 1 does not fit INT32 "
                            + "(-2147483648 to 2147483647)");
        }
    }

    @Test
    void aRequestLargerThanTheDirectMemoryLimitIsTheCallersToMakeSmaller() {
        try (DirectTensor x = new DirectTensor(OrtRuntime.environment(), "m.onnx", "x", ElementType.FLOAT32,
                bytes -> {
                    throw new OutOfMemoryError("Cannot reserve " + bytes + " bytes of direct buffer memory");
                })) {
            assertThatThrownBy(() -> x.reshape(new long[] {64, 3, 224, 224})).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("m.onnx: tensor 'x' of shape [64, 3, 224, 224] needs 38535168 bytes")
                    .hasMessageEndingWith("send a smaller batch").hasCauseInstanceOf(OutOfMemoryError.class);
            assertThatThrownBy(() -> x.reshape(new long[] {1024, 1024, 1024})).isInstanceOf(InvalidInputException.class)
                    .hasMessage("m.onnx: tensor 'x' of shape [1024, 1024, 1024] exceeds 2 GiB; send a smaller batch");
        }
    }

    @Test
    void dataOfATypeAOneByteInputCannotTakeIsTheCallers() {
        assertThatThrownBy(() -> ByteTensors.create(OrtRuntime.environment(), "m.onnx: input 'mask'",
                HostTensor.ofFloats(new long[] {2}, new float[2]), ElementType.BOOL))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("m.onnx: input 'mask' is BOOL but the data is FLOAT32");
    }
}
