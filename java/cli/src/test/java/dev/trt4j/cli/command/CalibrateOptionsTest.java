package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trt4j calibrate} options refused before any data is read. */
class CalibrateOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aMethodGivenTwiceIsRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("cal");

        CliRun run = CliRun.of("calibrate", "--method", "max,entropy", "--method", "max", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --method gives max twice; give each method once");
        assertThat(out).doesNotExist();
    }

    @Test
    void aStartBinPastTheHistogramIsRefusedBeforeTheData() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");
        // the data does not exist: a refusal naming it would mean the check came too late
        String missing = dir.resolve("missing").toString();

        CliRun entropy = CliRun.of("calibrate", model.toString(), "--data", missing, "--method", "entropy",
                "--start-bin", "4096", "--out", out.toString());
        CliRun mse = CliRun.of("calibrate", model.toString(), "--data", missing, "--method", "max,mse",
                "--num-bins", "64", "--out", out.toString());

        assertThat(entropy.exitCode()).isEqualTo(2);
        assertThat(entropy.errLines()).containsExactly("trt4j: the entropy method needs at least 4096 histogram bins "
                + "(--start-bin 4096) but --num-bins is 2048; lower --start-bin to at most 2048 or raise --num-bins");
        assertThat(mse.errLines()).containsExactly("trt4j: the mse method needs more histogram bins than --start-bin "
                + "128 but --num-bins is 64; lower --start-bin below 64 or raise --num-bins");
        assertThat(out).doesNotExist();
    }

    @Test
    void moreBinsThanAHistogramMayHaveIsAUsageError() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        CliRun run = CliRun.of("calibrate", model.toString(), "--num-bins", "100000000", "--method", "max", "--out",
                dir.resolve("cal").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --num-bins must be at most 16777216, got 100000000");
    }

    /** Feeding back the only input leaves the data nothing to feed: said as such, not as a model without inputs. */
    @Test
    void feedbackOfEveryInputIsAUsageError() throws IOException {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path out = dir.resolve("cal");

        CliRun run = CliRun.of("calibrate", model.toString(), "--all-tensors", "--feedback", "y=x", "--out",
                out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: " + model + ": --feedback feeds every input of the model "
                + "(x); the data must feed at least one");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOptionNoChosenMethodReadsIsRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun startBin = CliRun.of("calibrate", model.toString(), "--method", "max,percentile=99.9",
                "--start-bin", "4096", "--out", out.toString());
        CliRun threshold = CliRun.of("calibrate", model.toString(), "--method", "mse", "--trt-threshold", "--out",
                out.toString());

        assertThat(startBin.exitCode()).isEqualTo(2);
        assertThat(startBin.errLines()).containsExactly("trt4j: --start-bin only changes the entropy and mse methods, "
                + "and --method max,percentile=99.9 chooses neither; drop --start-bin or add one of them");
        assertThat(threshold.errLines()).containsExactly("trt4j: --trt-threshold only changes the entropy method, and "
                + "--method mse does not choose it; drop --trt-threshold or add it");
        assertThat(out).doesNotExist();
    }

    @Test
    void otherGridsThanSignedEightBitGetTablesButNoTensorRtCache() throws Exception {
        // A TensorRT cache holds amax / 127: a 4-bit or unsigned amax in one would pass quantize and build as INT8.
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        for (String[] grid : new String[][] {{"--num-bits", "4"}, {"--unsigned"}}) {
            Path out = dir.resolve("grid" + grid.length);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("calibrate", model.toString(),
                    "--samples", "8", "--method", "max", "--out", out.toString(), "--json"));
            args.addAll(java.util.List.of(grid));
            CliRun run = CliRun.of(args.toArray(String[]::new));

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(out.resolve("max.table.json")).isRegularFile();
            assertThat(out.resolve("max.cache")).doesNotExist();
            var method = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("methods").get(0);
            assertThat(method.get("cache").isNull()).as("present, null").isTrue();
        }
        CliRun eightBit = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                dir.resolve("grid8").toString());
        assertThat(eightBit.out()).contains("TensorRT cache ");
        assertThat(dir.resolve("grid8").resolve("max.cache")).isRegularFile();
    }

    /**
     * --stride and --trt-threshold reach the entropy calibrator: each tensor's amax is what the calibrator computes
     * with them from the saved histogram, and differs from the defaults' somewhere (a dropped option passed every
     * other test).
     */
    @Test
    void strideAndTrtThresholdReachTheEntropyCalibrator() throws IOException {
        // a real model's activations: on uniform random data the entropy threshold sits at the maximum either way
        Path model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        var defaults = dev.trt4j.calibrators.CalibrationOptions.defaults();
        entropyMatches(model, "stride", defaults.withStride(16), "--stride", "16");
        entropyMatches(model, "threshold", defaults.withTrtEntropyThreshold(true), "--trt-threshold");
    }

    private void entropyMatches(Path model, String name, dev.trt4j.calibrators.CalibrationOptions options,
                                String... flags) throws IOException {
        Path out = dir.resolve(name);
        var args = new java.util.ArrayList<>(java.util.List.of("calibrate", model.toString(), "--samples", "4",
                "--method", "entropy", "--out", out.toString()));
        args.addAll(java.util.List.of(flags));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();

        var tensors = dev.trt4j.stats.HistogramJson.readStatistics(out.resolve("statistics.json")).statistics()
                .tensors();
        var table = dev.trt4j.table.CalibrationTable.read(out.resolve("entropy.table.json"));
        var entropy = new dev.trt4j.calibrators.EntropyCalibrator();
        boolean differs = false;
        for (var e : tensors.entrySet()) {
            float expected = entropy.computeAmax(e.getValue(), options);
            assertThat(table.amax(e.getKey())).as(name + ": " + e.getKey()).isEqualTo(expected);
            differs |= expected != entropy.computeAmax(e.getValue(), dev.trt4j.calibrators.CalibrationOptions
                    .defaults());
        }
        assertThat(tensors).isNotEmpty();
        assertThat(differs).as(name + " changes some tensor's amax on this data").isTrue();
    }

    @Test
    void histogramThreadsAreSetApartAndANegativeCountIsRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun negative = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max",
                "--histogram-threads", "-1", "--out", out.toString());
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.errLines()).containsExactly("trt4j: --histogram-threads must be 0 (as threads) to 1024, "
                + "got -1");
        assertThat(out).doesNotExist();
        // a typo'd count is refused at once: ONNX Runtime would spend minutes starting the threads, then fail
        CliRun huge = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--threads",
                "100000", "--out", out.toString());
        assertThat(huge.exitCode()).isEqualTo(2);
        assertThat(huge.errLines()).containsExactly("trt4j: --threads must be 0 (automatic) to 1024, got 100000");
        assertThat(out).doesNotExist();

        // the same ranges whichever number of workers fills the histograms
        CliRun one = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max,entropy",
                "--histogram-threads", "1", "--out", dir.resolve("one").toString());
        CliRun three = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max,entropy",
                "--threads", "1", "--histogram-threads", "3", "--out", dir.resolve("three").toString());
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(three.exitCode()).as(three.err()).isZero();
        assertThat(Files.readString(dir.resolve("three").resolve("entropy.cache")))
                .isEqualTo(Files.readString(dir.resolve("one").resolve("entropy.cache")));
    }

    @Test
    void batchOverlapLeavesTheStatisticsAsTheyAreAndAnUnknownChoiceIsRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun unknown = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max",
                "--batch-overlap", "yes", "--out", out.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).containsExactly("trt4j: --batch-overlap must be auto, on or off, got 'yes'");
        assertThat(out).doesNotExist();

        // batches of 4 over 64 samples: 16 runs, each binned while the next one runs, or between runs
        for (String choice : new String[] {"off", "ON"}) {
            CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "64", "--batch", "4", "--method",
                    "max,entropy", "--batch-overlap", choice, "--out", dir.resolve(choice).toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        assertThat(Files.readString(dir.resolve("ON").resolve("entropy.cache")))
                .isEqualTo(Files.readString(dir.resolve("off").resolve("entropy.cache")));
        assertThat(Files.readString(dir.resolve("ON").resolve("statistics.json")))
                .isEqualTo(Files.readString(dir.resolve("off").resolve("statistics.json")));
    }

    /** picocli splits the values on commas; the hint goes by what was typed as one argument. */
    @Test
    void aDecimalCommaIsNamedOnlyWhereItWasTyped() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));

        CliRun comma = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "percentile=99,9",
                "--out", dir.resolve("a").toString());
        CliRun apart = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "percentile=99",
                "--method", "9", "--out", dir.resolve("b").toString());
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--methods", "max,percentile=99,9",
                "--out", dir.resolve("c").toString());

        assertThat(comma.exitCode()).isEqualTo(2);
        assertThat(comma.errLines()).containsExactly("trt4j: --method percentile=99,9: methods are separated by "
                + "commas; write the percentile with a decimal point (percentile=99.9)");
        assertThat(apart.exitCode()).isEqualTo(2);
        assertThat(apart.errLines()).singleElement().asString().startsWith("trt4j: --method 9: unknown calibration "
                + "method '9'");
        assertThat(compare.exitCode()).isEqualTo(2);
        assertThat(compare.errLines()).singleElement().asString().contains("--methods percentile=99,9: methods are "
                + "separated by commas");
    }

    @Test
    void allSamplesOfEndlessRandomDataIsRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "0", "--method", "max", "--out",
                out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --samples 0 means all samples, but without --data this "
                + "model gets seeded random data, which never runs out; give a count (default 256) or --data");
        assertThat(out).doesNotExist();
    }

    @Test
    void aListOfImagePathsIsRefusedInsteadOfDrawnAsText() throws IOException {
        Path model = TestModels.imageMean(dir.resolve("mean.onnx"));
        Path list = Files.writeString(dir.resolve("calib_list.txt"), "img/0.png\nimg/1.png\n");
        CliRun listed = CliRun.of("calibrate", model.toString(), "--data", list.toString(), "--all-tensors",
                "--out", dir.resolve("listed").toString());
        assertThat(listed.exitCode()).isEqualTo(1);
        assertThat(listed.errLines()).singleElement().asString().contains("every line starts with a data file's name (img/0.png");
        assertThat(dir.resolve("listed")).doesNotExist();
    }

    @Test
    void inputsOfOnlyZerosAreNamedSinceTheirCachesWouldHoldScalesOfZero() throws IOException {
        // log(relu(x) · 2^20 + 1): with x all 0, only the sum before the log is not 0
        Path model = TestModels.scaledLog(dir.resolve("log.onnx"));
        Path zeros = dir.resolve("zeros.npy");
        NpyFile.write(zeros, NpyArray.ofFloats(new long[] {4, 4}, new float[16]));

        CliRun run = CliRun.of("calibrate", model.toString(), "--data", zeros.toString(), "--all-tensors", "--method",
                "max", "--out", dir.resolve("zero").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: warning: 4 tensors were 0 on every "
                + "sample (model input 'x' first), so the tables give them a range of 0, a scale of 0 in the TensorRT "
                + "caches; check the data unless they are always 0");
        assertThat(Files.readString(dir.resolve("zero").resolve("max.cache"))).contains("x: 0");
    }

    @Test
    void moreSamplesThanTheDataHoldsIsSaid() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path few = dir.resolve("few.npy");
        float[] values = new float[5 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 7.5f;
        }
        NpyFile.write(few, NpyArray.ofFloats(new long[] {5, 4}, values));

        CliRun run = CliRun.of("calibrate", model.toString(), "--data", few.toString(), "--samples", "100",
                "--method", "max", "--out", dir.resolve("few").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: --samples 100: the ranges come from 5 samples");
    }

    @Test
    void sampleOptionsThisDataNeverReadsAreRefused() throws IOException {
        Path model = TestModels.imageMean(dir.resolve("mean.onnx"));
        Path npy = dir.resolve("x.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {2, 3, 8, 8}, new float[2 * 3 * 8 * 8]));
        Path lines = Files.writeString(dir.resolve("lines.txt"), "a line of text\nanother line\n");
        for (List<String> unused : List.of(List.of("--rotate-half"), List.of("--seed", "7"))) {
            List<String> args = new ArrayList<>(List.of("calibrate", model.toString(), "--data", npy.toString(),
                    "--all-tensors", "--out", dir.resolve("unused").toString()));
            args.addAll(unused);
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", unused)).isEqualTo(2);
            assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: " + String.join(" ", unused)
                    + " does nothing for this data (");
        }
        // the seed places rendered lines, so it is read there
        CliRun seeded = CliRun.of("calibrate", model.toString(), "--data", lines.toString(), "--seed", "7",
                "--rotate-half", "--samples", "2", "--batch", "1", "--all-tensors", "--method", "max", "--out",
                dir.resolve("seeded").toString());
        assertThat(seeded.exitCode()).as(seeded.err()).isZero();
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void sampleOptionsThisModelNeverUsesAreRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun seqLen = CliRun.of("calibrate", model.toString(), "--seq-len", "16", "--out", out.toString());
        assertThat(seqLen.exitCode()).isEqualTo(2);
        assertThat(seqLen.errLines()).singleElement().asString()
                .startsWith("trt4j: --seq-len 16: the model has no input_ids input");

        CliRun shapes = CliRun.of("calibrate", model.toString(), "--shapes", "y:1x4", "--out", out.toString());
        assertThat(shapes.exitCode()).as("an input the model lacks is a usage error").isEqualTo(2);
        assertThat(shapes.errLines()).singleElement().asString().contains("fixed shape y:1x4 names no model input");

        CliRun rotate = CliRun.of("calibrate", model.toString(), "--rotate-half", "--out", out.toString());
        assertThat(rotate.exitCode()).isEqualTo(2);
        assertThat(rotate.errLines()).containsExactly("trt4j: --rotate-half turns rendered text lines, and this model "
                + "gets seeded random data (give --data with a .txt of lines to render)");
        Path tokens = TestModels.tokenIds(dir.resolve("ids.onnx"));
        CliRun randomIds = CliRun.of("calibrate", tokens.toString(), "--shapes", "input_ids:2x8", "--rotate-half",
                "--out", out.toString());
        assertThat(randomIds.errLines()).containsExactly("trt4j: --rotate-half turns rendered text lines, and this "
                + "model gets seeded random token ids");

        CliRun emptyData = CliRun.of("calibrate", model.toString(), "--data", "", "--out", out.toString());
        assertThat(emptyData.exitCode()).isEqualTo(2);
        assertThat(emptyData.errLines()).containsExactly("trt4j: Invalid value for option '--data': '' is an empty "
                + "path; give a file or folder");
        // Every path option and parameter alike: an empty one would be read as the working folder.
        CliRun emptyTable = CliRun.of("quantize", model.toString(), "--table", "", "--out", out.toString());
        assertThat(emptyTable.exitCode()).isEqualTo(2);
        assertThat(emptyTable.errLines()).containsExactly("trt4j: Invalid value for option '--table': '' is an empty "
                + "path; give a file or folder");
        CliRun emptyModel = CliRun.of("inspect", " ");
        assertThat(emptyModel.exitCode()).isEqualTo(2);
        assertThat(emptyModel.errLines()).containsExactly("trt4j: Invalid value for positional parameter at index 0 "
                + "(MODEL): ' ' is an empty path; give a file or folder");

        CliRun preprocess = CliRun.of("calibrate", model.toString(), "--preprocess", "imagenet", "--samples", "8",
                "--out", out.toString());
        assertThat(preprocess.exitCode()).isEqualTo(2);
        assertThat(preprocess.errLines()).containsExactly("trt4j: --preprocess imagenet applies to images and "
                + "rendered text, and this model gets synthetic:uniform (seed 0, 8 samples); drop it");
        CliRun mean = CliRun.of("calibrate", model.toString(), "--mean", "0,0,0", "--samples", "8", "--out",
                out.toString());
        assertThat(mean.exitCode()).isEqualTo(2);
        assertThat(mean.errLines()).singleElement().asString().startsWith("trt4j: --mean applies to images");
        assertThat(out).doesNotExist();
    }

    @Test
    void aShapeSizeBelowOneGetsOneMessageWhetherOrNotTheModelTakesTokenIds() throws IOException {
        // the token model's --shapes was read first by the sequence-length check, which allowed 0 for engine shapes
        Path tokens = TestModels.tokenIds(dir.resolve("tokens.onnx"));
        Path matMul = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun negative = CliRun.of("calibrate", tokens.toString(), "--shapes", "input_ids:2x-1", "--out",
                out.toString());
        CliRun zero = CliRun.of("calibrate", matMul.toString(), "--shapes", "x:0x4", "--out", out.toString());

        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.errLines()).containsExactly("trt4j: --shapes: 'input_ids:2x-1': dimension '-1' is not a "
                + "positive integer (data has at least 1 of each dimension)");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines()).containsExactly("trt4j: --shapes: 'x:0x4': dimension '0' is not a positive "
                + "integer (data has at least 1 of each dimension)");
        assertThat(out).doesNotExist();
    }

    @Test
    void aBatchThatContradictsTheShapesOrTheModelIsAUsageError() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");

        CliRun shapes = CliRun.of("calibrate", model.toString(), "--batch", "8", "--shapes", "x:2x4", "--out",
                out.toString());

        assertThat(shapes.exitCode()).isEqualTo(2);
        assertThat(shapes.errLines()).containsExactly("trt4j: batch size 8 conflicts with fixed shape x:2x4 (its "
                + "first dimension is the batch)");
        assertThat(out).doesNotExist();
    }
}
