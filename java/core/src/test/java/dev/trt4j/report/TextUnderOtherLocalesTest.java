package dev.trt4j.report;

import dev.trt4j.ControlCharacters;
import dev.trt4j.table.FloatBits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * File names, report lines and escapes are read by tools and compared across machines: they must not change with
 * the user's locale, where {@code String.format} would write Arabic-Indic digits or a decimal comma.
 */
class TextUnderOtherLocalesTest {
    private Locale saved;

    @BeforeEach
    void arabic() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-SA"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @Test
    void theJdkLocalizesDigitsInThisLocaleSoTheChecksBelowMean() {
        assertThat(String.format("%d", 16)).isEqualTo("\u0661\u0666");
    }

    @Test
    void chartNamesKeepAsciiDigitsSoALaterReportFindsAndReplacesThem() {
        assertThat(ReportWriter.fileName(7, "conv 1")).isEqualTo("007-conv_1.png");
    }

    @Test
    void theComparisonLineKeepsAsciiDigits() {
        assertThat(ReportFixture.comparison("m.onnx", 0.9, 0.8).toMarkdown().lines().findFirst().orElseThrow())
                .contains("on 64 held-out samples").contains("calibrated on 64 samples");
    }

    @Test
    void hexAndEscapesKeepAsciiDigits() {
        assertThat(FloatBits.hex8(1f)).isEqualTo("3f800000");
        assertThat(ControlCharacters.escape("a\u001bb")).isEqualTo("a\\u001bb");
    }
}
