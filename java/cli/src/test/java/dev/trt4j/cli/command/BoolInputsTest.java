package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyDtype;
import dev.trt4j.data.npy.NpzFile;
import dev.trt4j.table.CalibrationTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BOOL model input (a mask, a Where's condition) is fed on ONNX Runtime as the TensorRT engine path feeds it:
 * random 0 and 1 without data, a bool .npz array as given; it is never calibrated, being no float tensor.
 */
class BoolInputsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = TestModels.boolCondition(dir.resolve("where.onnx"));
    }

    @Test
    void calibrateFeedsSyntheticZerosAndOnesAndLeavesTheBoolInputOut() {
        Path out = dir.resolve("synthetic");
        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--all-tensors",
                "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        CalibrationTable table = CalibrationTable.read(out.resolve("max.table.json"));
        assertThat(table.amaxByTensor()).containsKeys("x", "kept", "y").doesNotContainKey("cond");
    }

    @Test
    void calibrateReadsABoolArrayOfAnNpz() throws IOException {
        Path npz = dir.resolve("where.npz");
        byte[] cond = new byte[8 * 4];
        float[] x = new float[8 * 4];
        for (int i = 0; i < x.length; i++) {
            cond[i] = (byte) (i % 4 == 0 ? 0 : 1); // column 0 is never kept: kept's range comes from columns 1-3
            x[i] = i % 4 == 0 ? 100f : i % 4;
        }
        NpzFile.write(npz, Map.of("cond", new NpyArray(NpyDtype.BOOL, new long[] {8, 4}, cond),
                "x", NpyArray.ofFloats(new long[] {8, 4}, x)));
        Path out = dir.resolve("npz");

        CliRun run = CliRun.of("calibrate", model.toString(), "--data", npz.toString(), "--method", "max", "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        CalibrationTable table = CalibrationTable.read(out.resolve("max.table.json"));
        assertThat(table.amaxByTensor()).containsOnlyKeys("kept");
        assertThat(table.amax("kept")).as("the condition was read: the 100s were left out")
                .isEqualTo(3f);
        assertThat(Files.readString(out.resolve("max.cache"))).doesNotContain("cond");

        int[] twos = new int[8 * 4];
        twos[5] = 2;
        Path bad = dir.resolve("twos.npz");
        NpzFile.write(bad, Map.of("cond", NpyArray.ofInts(new long[] {8, 4}, twos),
                "x", NpyArray.ofFloats(new long[] {8, 4}, x)));
        CliRun refused = CliRun.of("calibrate", model.toString(), "--data", bad.toString(), "--method", "max",
                "--out", dir.resolve("twos").toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errLines()).singleElement().asString().startsWith("trt4j: " + model + ": input 'cond'")
                .contains("value 2 at element 5 does not fit BOOL (0 or 1)");
    }

    @Test
    void quantizeAndEvaluateTakeTheBoolInput() {
        Path out = dir.resolve("for-quantize");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                out.toString()).exitCode()).isZero();
        Path quantized = dir.resolve("where.int8.onnx");
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", out.resolve("max.table.json").toString(),
                "--out", quantized.toString());
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", quantized.toString(),
                "--samples", "8", "--task", "none");

        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void benchOnOnnxRuntimeFeedsTheBoolInput() {
        CliRun run = CliRun.of("bench", model.toString(), "--backend", "onnxruntime", "--warmup", "10",
                "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3", "--threads", "1",
                "--shapes", "cond:2x4,x:2x4");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("cond:2x4");
    }
}
