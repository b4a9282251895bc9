package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch whose output is larger than one ONNX Runtime tensor, from an input far smaller (Expand, as upsampling):
 * evaluate said "capacity < 0", bench "unexpected error: java.lang.ArithmeticException: integer overflow" and calibrate
 * "exceeds 2 GiB; send a smaller batch" with exit 1. Each now refuses it as the input side does, as a usage error, and
 * before ONNX Runtime makes the 2 GiB output, since the model declares its shape.
 */
class OutputTooLargeTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path data;

    @BeforeAll
    static void files() throws IOException {
        model = TestModels.expand(dir.resolve("bigout.onnx"), 268_435_472);
        data = dir.resolve("two.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {2, 1}, new float[] {1, 2}));
    }

    private static String refusal() {
        return "trt4j: " + model + ": output 'y' at 2x268435472 would take 2,147,483,776 bytes (FLOAT32), more than "
                + "one ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes";
    }

    @Test
    void evaluateRefusesItAsAUsageError() {
        assertRefused(CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", data.toString(), "--batch", "2"));
    }

    @Test
    void benchRefusesItBeforeTheSweepsSmallerBatchIsTimed() {
        CliRun run = CliRun.of("bench", model.toString(), "--batch", "1,2");
        assertRefused(run);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void calibrateRefusesItAsAUsageError() {
        assertRefused(CliRun.of("calibrate", model.toString(), "--data", data.toString(), "--batch", "2",
                "--method", "max", "--all-tensors", "--out", dir.resolve("table.json").toString()));
    }

    private static void assertRefused(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(refusal());
    }
}
