package dev.trt4j.engine;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostTensorCodecTest {
    private final long[] shape = {2, 2};

    @Test
    void float32RoundTripsInNativeOrder() {
        ByteBuffer buf = ByteBuffer.allocateDirect(16);
        HostTensorCodec.encode("x", HostTensor.ofFloats(shape, new float[] {1.5f, -2f, 0f, 3.25f}), ElementType.FLOAT32, buf);
        assertThat(buf.duplicate().order(ByteOrder.nativeOrder()).getFloat(12)).isEqualTo(3.25f);
        assertThat(HostTensorCodec.decode(ElementType.FLOAT32, shape, buf).floats()).containsExactly(1.5f, -2f, 0f, 3.25f);
    }

    @Test
    void floatsBecomeHalvesAndComeBackAsFloats() {
        ByteBuffer buf = ByteBuffer.allocate(8);
        HostTensorCodec.encode("x", HostTensor.ofFloats(shape, new float[] {1f, 0.1f, -65504f, 2f}), ElementType.FLOAT16, buf);
        assertThat(buf.duplicate().order(ByteOrder.nativeOrder()).getShort(0)).isEqualTo((short) 0x3c00);
        float[] back = HostTensorCodec.decode(ElementType.FLOAT16, shape, buf).floats();
        assertThat(back).containsExactly(1f, 0.099975586f, -65504f, 2f);
    }

    @Test
    void float16StagingRoundsToNearestEvenAndOverflowsToInfinity() {
        float[] in = {-2f, 65504f, 65520f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-14f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f,
            Float.POSITIVE_INFINITY};
        int[] expected = {0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x0001, 0x0400, 0x3c00, 0x3c02, 0x7c00};
        ByteBuffer buf = ByteBuffer.allocate(2 * in.length);
        HostTensorCodec.encode("x", HostTensor.ofFloats(new long[] {in.length}, in), ElementType.FLOAT16, buf);
        ByteBuffer view = buf.duplicate().order(ByteOrder.nativeOrder());
        for (int i = 0; i < in.length; i++) {
            assertThat(view.getShort(2 * i) & 0xffff).as("%a", in[i]).isEqualTo(expected[i]);
        }
        HostTensorCodec.encode("x", HostTensor.ofFloats(new long[] {1}, new float[] {Float.NaN}), ElementType.FLOAT16, buf);
        assertThat(HostTensorCodec.decode(ElementType.FLOAT16, new long[] {1}, buf).floats()[0]).isNaN();
    }

    @Test
    void everyFiniteHalfDecodesAndEncodesBackExactly() {
        ByteBuffer halves = ByteBuffer.allocate(2 * 0x10000).order(ByteOrder.nativeOrder());
        for (int h = 0; h < 0x10000; h++) {
            halves.putShort(2 * h, (short) h);
        }
        long[] all = {0x10000};
        HostTensor floats = HostTensorCodec.decode(ElementType.FLOAT16, all, halves);
        ByteBuffer again = ByteBuffer.allocate(2 * 0x10000);
        HostTensorCodec.encode("x", floats, ElementType.FLOAT16, again);
        ByteBuffer view = again.order(ByteOrder.nativeOrder());
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
                continue; // NaN payloads need not survive
            }
            assertThat(view.getShort(2 * h) & 0xffff).as("half 0x%04x -> %s", h, floats.floats()[h]).isEqualTo(h);
        }
    }

    @Test
    void longsNarrowToIntsOnlyWhenTheyFit() {
        ByteBuffer buf = ByteBuffer.allocate(16);
        HostTensorCodec.encode("ids", HostTensor.ofLongs(shape, new long[] {101, 2023, -1, 102}), ElementType.INT32, buf);
        assertThat(HostTensorCodec.decode(ElementType.INT32, shape, buf).ints()).containsExactly(101, 2023, -1, 102);
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'ids'",
                HostTensor.ofLongs(shape, new long[] {1, 1L << 40, 0, 0}), ElementType.INT32, buf))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("input 'ids': value 1099511627776 at element 1 does not fit INT32 "
                        + "(-2147483648 to 2147483647)");
    }

    @Test
    void refusesUnconvertibleTypesAndShortBuffers() {
        HostTensor floats = HostTensor.ofFloats(shape, new float[4]);
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'x'", floats, ElementType.INT64, ByteBuffer.allocate(32)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("input 'x' holds FLOAT32 data but the engine expects INT64");
        // a buffer the backend sized wrong is its own failure, not the caller's
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'x'", floats, ElementType.FLOAT32, ByteBuffer.allocate(15)))
                .isInstanceOf(Trt4jException.class).isNotInstanceOf(InvalidInputException.class)
                .hasMessage("input 'x' needs 16 bytes but its buffer holds 15");
    }

    @Test
    void byteTypesDecodeAsInts() {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {-1, 2, (byte) 200, 0});
        assertThat(HostTensorCodec.decode(ElementType.INT8, shape, buf).ints()).containsExactly(-1, 2, -56, 0);
        assertThat(HostTensorCodec.decode(ElementType.UINT8, shape, buf).ints()).containsExactly(255, 2, 200, 0);
    }

    @Test
    void integersNarrowToByteTypesWithinTheirRange() {
        ByteBuffer buf = ByteBuffer.allocate(4);
        HostTensorCodec.encode("x", HostTensor.ofInts(shape, new int[] {-128, 127, 0, -1}), ElementType.INT8, buf);
        assertThat(HostTensorCodec.decode(ElementType.INT8, shape, buf).ints()).containsExactly(-128, 127, 0, -1);
        HostTensorCodec.encode("x", HostTensor.ofLongs(shape, new long[] {0, 255, 200, 1}), ElementType.UINT8, buf);
        assertThat(HostTensorCodec.decode(ElementType.UINT8, shape, buf).ints()).containsExactly(0, 255, 200, 1);
        HostTensorCodec.encode("x", HostTensor.ofInts(shape, new int[] {1, 0, 0, 1}), ElementType.BOOL, buf);
        assertThat(buf.array()).containsExactly(1, 0, 0, 1);
        HostTensorCodec.encode("x", HostTensor.ofLongs(shape, new long[] {0, 1, 1, 0}), ElementType.BOOL, buf);
        assertThat(HostTensorCodec.decode(ElementType.BOOL, shape, buf).ints()).containsExactly(0, 1, 1, 0);
    }

    @Test
    void byteTypesRefuseValuesOutOfRangeNamingInputValueAndPosition() {
        ByteBuffer buf = ByteBuffer.allocate(4);
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'mask'",
                HostTensor.ofInts(shape, new int[] {1, 0, 2, 1}), ElementType.BOOL, buf))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("input 'mask': value 2 at element 2 does not fit BOOL (0 or 1)");
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'q'",
                HostTensor.ofLongs(shape, new long[] {0, 128, 0, 0}), ElementType.INT8, buf))
                .hasMessage("input 'q': value 128 at element 1 does not fit INT8 (-128 to 127)");
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'px'",
                HostTensor.ofInts(shape, new int[] {0, 0, 0, -1}), ElementType.UINT8, buf))
                .hasMessage("input 'px': value -1 at element 3 does not fit UINT8 (0 to 255)");
        assertThatThrownBy(() -> HostTensorCodec.encode("input 'px'",
                HostTensor.ofFloats(shape, new float[4]), ElementType.UINT8, buf))
                .hasMessage("input 'px' holds FLOAT32 data but the engine expects UINT8");
    }
}
