package dev.trt4j.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** File sizes print in the unit they reach: a fixed GB printed every small model's data file as 0.00 GB. */
class ByteSizeReadableTest {
    @Test
    void sizesPrintWithThreeSignificantDigitsInTheUnitTheyReach() {
        assertThat(ByteSize.readable(0)).isEqualTo("0 bytes");
        assertThat(ByteSize.readable(1)).isEqualTo("1 byte");
        assertThat(ByteSize.readable(999)).isEqualTo("999 bytes");
        assertThat(ByteSize.readable(1000)).isEqualTo("1.00 kB");
        assertThat(ByteSize.readable(578_000)).isEqualTo("578 kB");
        assertThat(ByteSize.readable(999_960)).isEqualTo("1.00 MB");
        assertThat(ByteSize.readable(23_100_000)).isEqualTo("23.1 MB");
        assertThat(ByteSize.readable(2_265_000_000L)).isEqualTo("2.27 GB");
    }
}
