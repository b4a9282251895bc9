package dev.trt4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.ControlCharacters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under LC_ALL=C on a terminal the ASCII for trt4j's own symbols must not reach a model's names: a name holding
 * {@code →} or {@code ∞} printed as {@code x->in} or {@code winf} reads as a name the model does not have. Names are
 * escaped before the terminal's fallbacks see the line, as {@link StandardStreams} sets up at start-up; JSON is
 * ASCII with JSON escapes, exact.
 */
class NamesOnAnAsciiTerminalTest {
    /** The terminal: what Java 17 under LC_ALL=C can show, and the fallbacks StandardStreams installs for it. */
    private static final AsciiFallbacks TERMINAL = AsciiFallbacks.of(List.of(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void anAsciiTerminal() throws IOException {
        model = TestModels.symbolNames(dir.resolve("names.onnx"));
        ControlCharacters.showOnly(StandardCharsets.US_ASCII);
        JsonOutput.asciiOnly(true);
    }

    @AfterEach
    void unicodeAgain() {
        ControlCharacters.showOnly(null);
        JsonOutput.asciiOnly(false);
    }

    @Test
    void inspectShowsEachNameEscapedNotAsAnotherName() {
        CliRun run = CliRun.of("inspect", model.toString(), "--nodes", "--tensors");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String shown = TERMINAL.apply(run.out());
        assertThat(shown).contains("x\\u2192in").contains("w\\u221e").contains("uni\\u2192\\u2026\\u00d7\\u00b1\\u221e")
                .contains("y\\u2026out")
                .doesNotContain("x->in").doesNotContain("winf").doesNotContain("uni->").doesNotContain("y...out");
        assertThat(shown.chars().allMatch(c -> c < 0x80)).as(shown).isTrue();
    }

    @Test
    void inspectJsonIsAsciiAndReadsBackAsTheModelsNames() throws IOException {
        CliRun run = CliRun.of("inspect", model.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().chars().allMatch(c -> c < 0x80)).as(run.out()).isTrue();
        assertThat(TERMINAL.apply(run.out())).as("nothing left for the fallbacks").isEqualTo(run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("inputs").get(0).get("name").asText()).isEqualTo(TestModels.SYMBOL_INPUT);
        assertThat(json.get("outputs").get(0).get("name").asText()).isEqualTo("y\u2026out");
    }

    /** The shapes as the reviewer typed them, copied from a screen that showed x->in: the error must not agree. */
    @Test
    void anErrorShowsTheModelsNamesEscapedAndAcceptsTheExactName() {
        CliRun wrong = CliRun.of("calibrate", model.toString(), "--shapes", "x->in:1x4", "--samples", "4",
                "--method", "max", "--out", dir.resolve("wrong").toString());

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(TERMINAL.apply(wrong.err())).contains("(inputs: x\\u2192in)").doesNotContain("inputs: x->in");

        CliRun exact = CliRun.of("calibrate", model.toString(), "--shapes", TestModels.SYMBOL_INPUT + ":1x4",
                "--samples", "4", "--method", "max", "--out", dir.resolve("cal").toString());
        assertThat(exact.exitCode()).as("the name typed in a UTF-8 locale: " + exact.err()).isZero();
        assertThat(TERMINAL.apply(exact.out())).doesNotContain("x->in").doesNotContain("winf");
    }

    @Test
    void aUnicodeTerminalAndRedirectedOutputShowTheNamesAsTheyAre() {
        unicodeAgain();
        CliRun run = CliRun.of("inspect", model.toString(), "--nodes", "--tensors");
        CliRun json = CliRun.of("inspect", model.toString(), "--json");

        assertThat(run.out()).contains(TestModels.SYMBOL_INPUT).contains(TestModels.SYMBOL_NODE)
                .doesNotContain("\\u2192");
        assertThat(json.out()).contains("\"" + TestModels.SYMBOL_INPUT + "\"");
    }
}
