package dev.trt4j.cli.command;

import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.benchmark.BenchmarkSummaryJson;
import dev.trt4j.timing.TimesJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's own files are written when it ends, so that its per-query traces need not be held to the end of a sweep,
 * yet still appear only once every run succeeded.
 */
class BenchOutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void aRunsTimesAreWrittenWhenItEndsAndPutInPlaceAtTheCommit() throws IOException {
        Path times = dir.resolve("times.json");
        Path summary = dir.resolve("summary.json");
        BenchRun run = new BenchRun("m", "fp32", dir.resolve("m.onnx"), 0);
        BenchmarkResult result = BenchResults.of(run.file(), 5);
        try (BenchOutputFiles files = new BenchOutputFiles(times, null, null, null, null, summary)) {
            files.runEnded(run, true, result, null);

            assertThat(times).doesNotExist();
            assertThat(entries()).hasSize(1); // the staged times, under a hidden temporary name
            files.commit(null, List.of(new BenchmarkSummaryJson.Run("m", "fp32", result)));
        }

        assertThat(TimesJson.read(times)).isEqualTo(result.measured());
        assertThat(summary).isRegularFile();
        assertThat(entries()).containsExactlyInAnyOrder(times, summary);
    }

    @Test
    void aSweepThatStopsBeforeItsCommitLeavesNothing() throws IOException {
        BenchRun run = new BenchRun("m", "fp32", dir.resolve("m.onnx"), 0);
        try (BenchOutputFiles files = new BenchOutputFiles(dir.resolve("times.json"), null, null, null, null, null)) {
            files.runEnded(run, false, BenchResults.of(run.file(), 5), null);
            assertThat(entries()).hasSize(1);
        }

        assertThat(entries()).isEmpty();
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
