package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that feeds samples to a text model names --tokenizer when it has none, in the same words, as a
 * command-line error (exit 2).
 */
class TextModelWithoutTokenizerTest {
    private static final String HINT = "trt4j: synthetic data: text model input 'input_ids' [batch,sequence] has an "
            + "open sequence length; give --tokenizer tokenizer.json to feed it sentences (--data FILE.txt, or the "
            + "bundled ones without --data), or --shapes input_ids:8xN for random token ids";

    @TempDir
    Path dir;

    @Test
    void eachCommandNamesTheTokenizer() throws IOException {
        Path model = TestModels.tokenIds(dir.resolve("text.onnx"));
        List<List<String>> commands = List.of(
                List.of("calibrate", model.toString(), "--out", dir.resolve("cal").toString()),
                List.of("compare-calibrators", model.toString(), "--out", dir.resolve("cmp").toString()),
                List.of("evaluate", "--reference", model.toString(), "--candidate", model.toString()),
                List.of("sensitivity", model.toString(), "--out", dir.resolve("sens").toString()));

        for (List<String> command : commands) {
            CliRun run = CliRun.of(command.toArray(String[]::new));
            assertThat(run.errLines()).as(command.get(0)).containsExactly(HINT);
            assertThat(run.exitCode()).as(command.get(0)).isEqualTo(2);
        }
    }

    @Test
    void sentencesWithoutTokenizerAreAUsageError() throws IOException {
        Path model = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path text = Files.writeString(dir.resolve("s.txt"), "the cat\n");
        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", text.toString());
        assertThat(run.errLines()).containsExactly("trt4j: " + text + ": text data needs a tokenizer (a tokenizer.json "
                + "file, --tokenizer on the command line)");
        assertThat(run.exitCode()).isEqualTo(2);
    }
}
