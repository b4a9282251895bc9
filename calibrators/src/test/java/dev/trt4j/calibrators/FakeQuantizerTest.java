package dev.trt4j.calibrators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FakeQuantizerTest {

    @Test
    void roundsHalfToEvenOnTheGrid() {
        FakeQuantizer q = new FakeQuantizer(8, false, true);
        // amax 127 → scale 1: levels are the integers
        assertThat(q.apply(2.5f, 127)).isEqualTo(2f);
        assertThat(q.apply(3.5f, 127)).isEqualTo(4f);
        assertThat(q.apply(-2.5f, 127)).isEqualTo(-2f);
        assertThat(q.apply(0.49f, 127)).isEqualTo(0f);
        // amax 1 → scale 127: 0.5 · 127 = 63.5 → 64 → 64/127
        assertThat(q.apply(0.5f, 1)).isEqualTo(64f / 127f);
    }

    @Test
    void clampsToTheRange() {
        assertThat(new FakeQuantizer(8, false, true).apply(-300, 127)).isEqualTo(-127f);
        assertThat(new FakeQuantizer(8, false, false).apply(-300, 127)).isEqualTo(-128f);
        assertThat(new FakeQuantizer(8, false, false).apply(300, 127)).isEqualTo(127f);
        FakeQuantizer unsigned = new FakeQuantizer(8, true, true);
        assertThat(unsigned.bound()).isEqualTo(255);
        assertThat(unsigned.minBound()).isZero();
        assertThat(unsigned.apply(-5, 255)).isEqualTo(0f);
        assertThat(unsigned.apply(300, 255)).isEqualTo(255f);
        assertThat(new FakeQuantizer(4, false, true).bound()).isEqualTo(7);
    }

    @Test
    void tinyAmaxQuantizesToZero() {
        FakeQuantizer q = new FakeQuantizer(8, false, true);
        assertThat(q.apply(1e-9f, Math.nextDown(0x1p-24f))).isZero();
        assertThat(q.apply(0x1p-24f, 0x1p-24f)).isEqualTo(0x1p-24f);
        assertThat(q.apply(5, 0)).isZero();
    }

    @Test
    void arrayFormMatchesTheScalarForm() {
        FakeQuantizer q = new FakeQuantizer(8, false, true);
        float[] values = {0, 0.1f, 0.33f, 1.7f, -2.2f, 9f};
        float[] out = new float[values.length];
        q.apply(values, 2.2f, out);
        for (int k = 0; k < values.length; k++) {
            assertThat(out[k]).isEqualTo(q.apply(values[k], 2.2f));
        }
        assertThat(out[5]).isEqualTo(2.2f);
    }
}
