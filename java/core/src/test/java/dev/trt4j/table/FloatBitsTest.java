package dev.trt4j.table;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FloatBitsTest {

    @Test
    void hex8PadsAndHexShortDoesNot() {
        assertThat(FloatBits.hex8(1.0f)).isEqualTo("3f800000");
        assertThat(FloatBits.hex8(0f)).isEqualTo("00000000");
        assertThat(FloatBits.hex8(Float.MIN_VALUE)).isEqualTo("00000001");
        assertThat(FloatBits.hexShort(0f)).isEqualTo("0");
        assertThat(FloatBits.hexShort(1.0f / 127f)).isEqualTo("3c010204");
    }

    @Test
    void parsesOneToEightDigitsInEitherCase() {
        assertThat(FloatBits.parseBits("0")).isZero();
        assertThat(FloatBits.parseBits("3C010204")).isEqualTo(0x3c010204);
        assertThat(FloatBits.parseBits("00000001")).isEqualTo(1);
        assertThat(FloatBits.parseBits("ffffffff")).isEqualTo(-1);
    }

    @Test
    void rejectsAnythingElse() {
        for (String bad : new String[] {"", "123456789", "0x3f80", "-1", "3f80 ", "g", "\u0663"}) {
            assertThatThrownBy(() -> FloatBits.parseBits(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hexadecimal");
        }
    }
}
