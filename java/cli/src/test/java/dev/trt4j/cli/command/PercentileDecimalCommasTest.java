package dev.trt4j.cli.command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PercentileDecimalCommasTest {
    @Test
    void aSingleDigitAfterATwoDigitPercentileIsReadAsADecimal() {
        assertThat(PercentileDecimalCommas.of(List.of("99,9")).orElseThrow().warning())
                .isEqualTo("--percentiles 99,9 is read as the percentiles 99 and 9; for 99.9 (a decimal comma), give "
                        + "--percentiles 99.9");
        assertThat(PercentileDecimalCommas.of(List.of("99,99,9")).orElseThrow().meant()).isEqualTo("99,99.9");
        PercentileDecimalCommas.Reading two = PercentileDecimalCommas.of(List.of("50", "99,9,95,5")).orElseThrow();
        assertThat(two.hint()).isEqualTo("for 99.9 and 95.5 (a decimal comma), give --percentiles 50,99.9,95.5");
        assertThat(two.warning()).startsWith("--percentiles 50,99,9,95,5 is read as the percentiles 50, 99, 9, 95 "
                + "and 5; ");
    }

    /** Lists whose commas can only separate are read as typed. */
    @Test
    void otherListsAreReadAsTyped() {
        for (String typed : List.of("50,90,95,99", "99.9", "99,90", "9,99", "100,9", "99.5,9", "1,2,3", "")) {
            assertThat(PercentileDecimalCommas.of(List.of(typed))).as(typed).isEmpty();
        }
        assertThat(PercentileDecimalCommas.of(List.of("99", "9"))).as("given apart").isEmpty();
        assertThat(PercentileDecimalCommas.of(List.of())).isEmpty();
    }
}
