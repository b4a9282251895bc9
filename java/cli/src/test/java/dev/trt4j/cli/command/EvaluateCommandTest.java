package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code evaluate}'s refusals of inputs it could only half use. */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void keysThatFitNoOutputAreRefusedInsteadOfDroppingTheTextMetric() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path keys = Files.writeString(dir.resolve("keys.txt"), "a\nb\n");

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--keys", keys.toString(), "--samples", "8");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("trt4j: --keys " + keys + ": 2 keys make 4 classes (blank + keys + "
                + "space), but no output of the model is [N,steps,4]; its outputs are [y [batch,4]]");
    }

    @Test
    void anUnknownTaskListsEveryValueTheOptionTakes() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--task", "ocr", "--samples", "8");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --task: unknown task 'ocr'; known: auto, none, embedding, "
                + "ctc, classification, detection");
    }
}
