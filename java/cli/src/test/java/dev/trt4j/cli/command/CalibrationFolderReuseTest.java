package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A calibration folder written more than once: {@code calibrate} names the tables it did not rewrite, {@code report}
 * draws only the tables made from the folder's statistics, and {@code --statistics} makes a complete folder.
 */
class CalibrationFolderReuseTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunNamesTheOldTablesAndReportLeavesThemOut() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");
        CliRun first = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max,entropy",
                "--out", out.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.errLines()).isEmpty();

        CliRun second = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                out.toString());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).containsExactly("trt4j: warning: " + out + " still holds the tables and caches of an "
                + "earlier run, not rewritten: entropy (made from 16 samples, the statistics from 8); report leaves "
                + "them out");
        assertThat(out.resolve("entropy.table.json")).as("the user's file stays").exists();

        Path report = dir.resolve("report");
        CliRun run = CliRun.of("report", "--calibration", out.toString(), "--out", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: left out tables not made from "
                + out.resolve("statistics.json") + ", probably left by an earlier run: entropy (made from 16 samples, "
                + "the statistics from 8)");
        assertThat(Files.readString(report.resolve("index.html"))).contains("max").doesNotContain("entropy");
    }

    /**
     * {@code missing/../cal}: the files land in cal, where the tables of an earlier run are then looked for too; the
     * typed path names no folder (missing does not exist), and listing it failed the run after every file was written.
     */
    @Test
    void aFolderNamedThroughAMissingOneIsCheckedWhereTheFilesWent() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("missing").resolve("..").resolve("cal");
        CliRun first = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max,entropy",
                "--out", out.toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("\"statistics\"");
        assertThat(dir.resolve("cal").resolve("entropy.table.json")).exists();
        assertThat(dir.resolve("missing")).doesNotExist();

        CliRun second = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                out.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).containsExactly("trt4j: warning: " + out + " still holds the tables and caches "
                + "of an earlier run, not rewritten: entropy (made from 16 samples, the statistics from 8); report "
                + "leaves them out");

        Path comparison = dir.resolve("nothere").resolve("..").resolve("cmp");
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--samples", "16", "--eval-samples", "8",
                "--methods", "max", "--out", comparison.toString());
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(dir.resolve("cmp").resolve("calibration").resolve("max.table.json")).exists();
    }

    @Test
    void aSecondRunWithOtherBinsOnTheSameSamplesNamesTheOldTables() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("bins");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "entropy", "--out",
                out.toString()).exitCode()).isZero();

        CliRun second = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max", "--num-bins",
                "256", "--skip-zeros", "--out", out.toString());
        CliRun third = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "mse", "--out",
                out.toString());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).containsExactly("trt4j: warning: " + out + " still holds the tables and caches of an "
                + "earlier run, not rewritten: entropy (made from other statistics of the same samples, with other "
                + "histogram bins, skip-zeros or tensors); report leaves them out");
        assertThat(third.errLines()).as("the first run's statistics again: entropy fits them, max does not")
                .singleElement().asString().contains(": max (made from other statistics");
    }

    @Test
    void methodsFromSavedStatisticsMakeAFolderReportCanRead() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path first = dir.resolve("a");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max", "--out",
                first.toString()).exitCode()).isZero();
        Path saved = first.resolve("statistics.json");
        Path more = dir.resolve("b");

        CliRun reuse = CliRun.of("calibrate", model.toString(), "--statistics", saved.toString(), "--method", "mse",
                "--out", more.toString());

        assertThat(reuse.exitCode()).as(reuse.err()).isZero();
        assertThat(reuse.out()).contains("Statistics: " + more.resolve("statistics.json"));
        assertThat(Files.readString(more.resolve("statistics.json"))).as("a copy").isEqualTo(Files.readString(saved));
        CliRun report = CliRun.of("report", "--calibration", more.toString(), "--out", dir.resolve("r").toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.errLines()).isEmpty();

        // into the folder the statistics are in: nothing to copy, and its max table still matches them
        CliRun inPlace = CliRun.of("calibrate", model.toString(), "--statistics", saved.toString(), "--method",
                "entropy", "--out", first.toString());
        assertThat(inPlace.exitCode()).as(inPlace.err()).isZero();
        assertThat(inPlace.errLines()).isEmpty();
        assertThat(first.resolve("entropy.table.json")).exists();
    }

    @Test
    void reportTakesAFolderNotAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("comparison.json"), "{}");
        Path out = dir.resolve("report");

        CliRun aFile = CliRun.of("report", "--calibration", file.toString(), "--out", out.toString());
        CliRun missing = CliRun.of("report", "--calibration", dir.resolve("nothing").toString(), "--out",
                out.toString());

        assertThat(aFile.exitCode()).isEqualTo(1);
        assertThat(aFile.errLines()).containsExactly("trt4j: --calibration " + file + ": is a file; it takes a "
                + "calibration output folder (the one holding statistics.json and the *.table.json files)");
        assertThat(missing.errLines()).containsExactly("trt4j: --calibration " + dir.resolve("nothing")
                + ": no such folder");
        assertThat(out).doesNotExist();
    }

    @Test
    void compareCalibratorsNamesTheTablesAnEarlierComparisonLeft() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cmp");
        CliRun first = CliRun.of("compare-calibrators", model.toString(), "--samples", "16", "--eval-samples", "8",
                "--methods", "max,mse", "--out", out.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.errLines()).noneMatch(l -> l.contains("earlier run"));

        CliRun second = CliRun.of("compare-calibrators", model.toString(), "--samples", "8", "--eval-samples", "8",
                "--methods", "max", "--out", out.toString());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).contains("trt4j: warning: " + out.resolve("calibration") + " still holds the tables and "
                + "caches of an earlier run, not rewritten: mse (made from 16 samples, the statistics from 8); report "
                + "leaves them out");
    }
}
