package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trt4j convert}'s messages for misused options: each names the option at fault. */
class ConvertCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void extract() throws IOException {
        model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
    }

    private static CliRun convert(String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "convert";
        args[1] = model.toString();
        args[2] = "--out";
        args[3] = dir.resolve("out.onnx").toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return CliRun.of(args);
    }

    @Test
    void aShapeForAnInputTheModelLacksNamesFixShapes() {
        CliRun run = convert("--fix-shapes", "y:1x3");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: cls.onnx: --fix-shapes: the model has no input 'y'; its "
                + "inputs are [x]");
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void aFixInputWithoutAValueAsksForNameEqualsValues() {
        CliRun run = convert("--fix-input", "token_type_ids");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --fix-input: expected NAME=VALUES (e.g. sr=16000 or "
                + "state=0), got 'token_type_ids'");
        assertThat(convert("--fix-input", "x=").errLines().get(0)).contains("expected NAME=VALUES");
        assertThat(convert("--fix-input", "x=0", "--fix-input", "x=1").errLines().get(0))
                .isEqualTo("trt4j: --fix-input: input 'x' is given twice");
    }

    @Test
    void keepFp32WithoutFp16SaysItNeedsFp16() {
        CliRun run = convert("--keep-fp32", "Conv");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --keep-fp32 needs --fp16");
    }
}
