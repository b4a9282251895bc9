package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A downloaded model's names (an escape sequence, a BEL, a bidi override, a newline) reach the text every command
 * prints: each table shows them as Java escapes, as the README promises, so that no name moves the cursor, sets the
 * terminal's title or fakes a row.
 */
class ModelNamesInTextOutputTest {
    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void writeModel() throws IOException {
        model = TestModels.controlCharacterNames(dir.resolve("odd.onnx"));
    }

    @Test
    void inspectListsNodesWithTheirNamesEscaped() {
        CliRun run = CliRun.of("inspect", model.toString(), "--tensors", "--nodes");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(TestModels.holdsRawControlCharacter(run.out())).as(run.out()).isFalse();
        assertThat(run.out().lines().filter(l -> l.contains(" -> "))).singleElement().asString()
                .contains("mm\\u000afake | row\\u0007")
                .contains("x\\u001b[2J\\u202e, w -> y\\u001b]0;title\\u0007");
    }

    @Test
    void calibratesTableShowsEachTensorOnItsOwnRow() {
        CliRun run = CliRun.of("calibrate", model.toString(), "--all-tensors", "--samples", "8", "--batch", "8",
                "--method", "max", "--full", "--out", dir.resolve("cal").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(TestModels.holdsRawControlCharacter(run.out() + run.err())).as(run.out()).isFalse();
        assertThat(run.out().lines()).anyMatch(l -> l.startsWith("x\\u001b[2J\\u202e "))
                .anyMatch(l -> l.startsWith("y\\u001b]0;title\\u0007 "));
    }

    @Test
    void sensitivitysMarkdownTableKeepsEachLayerInOneRow() throws IOException {
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples",
                "16", "--eval-samples", "16", "--batch", "8", "--out", dir.resolve("sens").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(TestModels.holdsRawControlCharacter(run.out())).as(run.out()).isFalse();
        // a header, the rule and one row: the newline in the node's name stays inside the row
        assertThat(run.out().lines().filter(l -> l.startsWith("|"))).hasSize(3);
        assertThat(run.out()).contains("| mm\\u000afake \\| row\\u0007 (MatMul) |");
        // the file the table came from keeps the names as they are: JSON escapes them itself
        assertThat(Files.readString(dir.resolve("sens").resolve("sensitivity.json")))
                .contains("mm\\nfake | row\\u0007");
    }

    @Test
    void evaluatesTableShowsTheOutputsNameEscaped() throws IOException {
        Path copy = Files.copy(model, dir.resolve("copy.onnx"));

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", copy.toString(),
                "--samples", "4", "--task", "none");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(TestModels.holdsRawControlCharacter(run.out() + run.err())).as(run.out()).isFalse();
        assertThat(run.out().lines()).anyMatch(l -> l.startsWith("y\\u001b]0;title\\u0007 "));
    }
}
