package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data file a model past 2 GiB gets beside {@code --out} without {@code --external-data} is checked against
 * every file the command reads, as the one the option asks for is: it replaced a {@code --table} named
 * {@code OUT.data} with weights.
 */
class OutputModelTest {
    @TempDir
    Path dir;

    @Test
    void theDataFileAModelPast2GibGetsMustNotBeAFileTheCommandReads() throws Exception {
        Path out = dir.resolve("q.onnx");
        Path table = dir.resolve("q.onnx.data");
        OnnxModel model = OnnxModel.load(TestModels.matMul(dir.resolve("m.onnx")));
        OutputFiles files = OutputModel.of(out, model.path(), new DataArguments()).reads("--table", table);
        files.check();

        assertThatCode(() -> OutputModel.requireNotItsData(files, out, model, false, false))
                .as("inline: no data file written").doesNotThrowAnyException();
        assertThatThrownBy(() -> OutputModel.requireNotItsData(files, out, model, false, true))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--out's data file names " + table + ", which is --table this command reads; write it "
                        + "elsewhere");
    }
}
