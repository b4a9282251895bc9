package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --threads} of the commands that run ONNX Runtime as one step (equalize, quantize --bias-correction,
 * convert --fp16 --data): they ran on every core, which a user on a shared machine could not limit.
 */
class OrtThreadsOptionTest {
    @TempDir
    Path dir;

    @Test
    void aStepThatRunsTheModelTakesThreadsAndOneThatDoesNotRefusesThem() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        float[] rows = new float[16 * 4];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i % 7 - 3) / 2f;
        }
        Path data = dir.resolve("rows.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {16, 4}, rows));

        CliRun equalize = CliRun.of("equalize", model.toString(), "--data", data.toString(), "--threads", "1",
                "--out", dir.resolve("eq.onnx").toString());
        assertThat(equalize.exitCode()).as(equalize.err()).isZero();
        assertThat(dir.resolve("eq.onnx")).isRegularFile();
        CliRun tooMany = CliRun.of("equalize", model.toString(), "--data", data.toString(), "--threads", "5000",
                "--out", dir.resolve("eq2.onnx").toString());
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.errLines()).containsExactly("trt4j: --threads must be 0 (automatic) to 1024, got 5000");

        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", dir.resolve("t.json").toString(),
                "--threads", "1", "--out", dir.resolve("q.onnx").toString());
        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: --threads sets the threads of --bias-correction's "
                + "passes, and quantize runs no model without it; add --bias-correction or drop --threads");
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--threads", "1", "--out",
                dir.resolve("f.onnx").toString());
        assertThat(convert.exitCode()).isEqualTo(2);
        assertThat(convert.errLines()).containsExactly("trt4j: --threads sets the threads of FP16's range check "
                + "over --data; give --data too");
        CliRun checked = CliRun.of("convert", model.toString(), "--fp16", "--data", data.toString(), "--threads", "1",
                "--out", dir.resolve("f2.onnx").toString());
        assertThat(checked.exitCode()).as(checked.err()).isZero();
    }
}
