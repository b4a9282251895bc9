package dev.trt4j.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfPrecisionTest {
    @Test
    void knownEncodings() {
        assertThat(bits(1.0f)).isEqualTo(0x3c00);
        assertThat(bits(-2.0f)).isEqualTo(0xc000);
        assertThat(bits(65504f)).isEqualTo(0x7bff);
        assertThat(bits(65520f)).isEqualTo(0x7c00); // halfway to the next binade rounds up to infinity
        assertThat(bits(0x1p-24f)).isEqualTo(0x0001); // smallest subnormal
        assertThat(bits(0x1p-25f)).isEqualTo(0x0000); // tie between 0 and the smallest subnormal: even wins
        assertThat(bits(0x1.8p-25f)).isEqualTo(0x0001);
        assertThat(bits(0x1p-14f)).isEqualTo(0x0400); // smallest normal
        assertThat(bits(1f + 0x1p-11f)).isEqualTo(0x3c00); // tie, even mantissa kept
        assertThat(bits(1f + 3 * 0x1p-11f)).isEqualTo(0x3c02); // tie, odd mantissa rounded up
        assertThat(bits(Float.POSITIVE_INFINITY)).isEqualTo(0x7c00);
        assertThat(HalfPrecision.toFloat(HalfPrecision.fromFloat(Float.NaN))).isNaN();
    }

    @Test
    void everyFiniteHalfRoundTripsExactly() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
                continue; // NaN payloads need not survive
            }
            float f = HalfPrecision.toFloat((short) h);
            assertThat(bits(f)).as("half 0x%04x -> %s", h, f).isEqualTo(h);
        }
    }

    private static int bits(float f) {
        return HalfPrecision.fromFloat(f) & 0xffff;
    }
}
