package dev.trt4j.cli;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** What the CLI prints is the same in every locale: scripts parse it, and its tables already use plain digits. */
class OutputUnderOtherLocalesTest {
    @Test
    void evaluatePrintsAsciiDigitsUnderAnArabicLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-SA"));
        try {
            String model = DefaultModel.file().toString();
            CliRun run = CliRun.of("evaluate", "--reference", model, "--candidate", model, "--samples", "4",
                    "--batch", "2");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains(", 4 samples").contains("on 4 samples")
                    .doesNotContainPattern("[\\u0660-\\u0669\\u06f0-\\u06f9]");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
