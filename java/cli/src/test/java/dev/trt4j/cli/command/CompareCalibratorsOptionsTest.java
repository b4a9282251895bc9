package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trt4j compare-calibrators} options refused before any model is loaded. */
class CompareCalibratorsOptionsTest {
    @Test
    void aSampleSweepEntryThatIsNotAPositiveIntegerNamesTheOption() {
        CliRun word = CliRun.of("compare-calibrators", "--samples-sweep", "32,abc");
        CliRun zero = CliRun.of("compare-calibrators", "--samples-sweep", "0,64");

        assertThat(word.exitCode()).isEqualTo(2);
        assertThat(word.errLines().get(0))
                .isEqualTo("trt4j: --samples-sweep: expected positive integers, e.g. 32,64,128, got 'abc'");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines().get(0))
                .isEqualTo("trt4j: --samples-sweep: expected positive integers, e.g. 32,64,128, got '0'");
    }

    /** The studies open their data through a held-out split, not calibrate's path: the same options are refused. */
    @Test
    void sampleOptionsTheDataNeverReadsAreRefusedAsCalibrateRefusesThem(@TempDir Path dir) throws IOException {
        Path model = TestModels.imageMean(dir.resolve("mean.onnx"));
        Path npy = dir.resolve("x.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {4, 3, 8, 8}, new float[4 * 3 * 8 * 8]));
        for (String command : List.of("compare-calibrators", "sensitivity")) {
            List<String> args = new ArrayList<>(List.of(command, model.toString(), "--data", npy.toString(),
                    "--samples", "2", "--seed", "7", "--out", dir.resolve(command).toString()));
            if (command.equals("sensitivity")) {
                args.addAll(List.of("--target", "0.01"));
            }
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(command).singleElement().asString()
                    .startsWith("trt4j: --seed 7 does nothing for this data (");
            assertThat(dir.resolve(command)).doesNotExist();
        }
    }

    @Test
    void aSampleCountGivenTwiceIsRefused() {
        CliRun run = CliRun.of("compare-calibrators", "--samples-sweep", "8,16,8");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --samples-sweep gives 8 twice; give each sample count once");
    }

    @Test
    void aStudyMethodWithoutTheWeightsStudyIsRefused() {
        CliRun run = CliRun.of("compare-calibrators", "--study-method", "entropy");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --study-method picks the weights study's method: add "
                + "--weights-study or drop --study-method");
    }

    /** --study-method takes one method, so 99,9 is no list: it is refused as a number, with the value to type. */
    @Test
    void aStudyPercentileWithADecimalCommaIsRefusedWithTheValueToType() {
        CliRun run = CliRun.of("compare-calibrators", "--study-method", "percentile=99,9", "--weights-study");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --study-method percentile=99,9: '99,9' is not a number; "
                + "write the percentile with a decimal point (percentile=99.9)");
    }

    @Test
    void aMethodGivenTwiceIsRefused() {
        CliRun run = CliRun.of("compare-calibrators", "--methods", "entropy,percentile,percentile=99.99");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --methods gives percentile-99.99 twice ('percentile' and "
                + "'percentile=99.99'); give each method once");
    }

    @Test
    void aNegativeEvaluationSampleCountSaysWhatIsAllowed() {
        CliRun split = CliRun.of("compare-calibrators", "--eval-samples", "-1");
        assertThat(split.exitCode()).isEqualTo(2);
        assertThat(split.errLines()).containsExactly("trt4j: --eval-samples must be at least 1, got -1");
    }
}
