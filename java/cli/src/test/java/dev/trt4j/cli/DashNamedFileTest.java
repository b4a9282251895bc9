package dev.trt4j.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Options do not take option-like values (a misspelt option after one with an optional value must be named as the
 * misspelling), so a file name starting with '-' is refused: the line says how to give it.
 */
class DashNamedFileTest {
    @Test
    void aFileNameStartingWithADashIsRefusedWithTheWayToGiveIt() {
        for (String[] args : new String[][] {
                {"convert", "m.onnx", "--fold", "--out", "-name.onnx"},
                {"convert", "m.onnx", "--fold", "--out=-name.onnx"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().strip()).hasLineCount(1)
                    .endsWith("; a file name that starts with '-' is given as ./-name.onnx");
        }
    }

    @Test
    void anOptionGivenWhereAValueWasExpectedGetsNoSuchHint() {
        CliRun run = CliRun.of("convert", "m.onnx", "--fold", "--out", "--json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).doesNotContain("./");
    }
}
