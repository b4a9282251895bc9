package dev.trt4j.cli;

import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.stats.StatisticsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statistics file is read a tensor at a time: as one JSON tree its histograms took about ten times the file in
 * heap, so a model's statistics that the pass had written could not be read back in the same heap.
 */
class StatisticsFileHeapTest {
    @TempDir
    Path work;

    @Test
    void aStatisticsFileIsReadInAHeapNotMuchLargerThanTheFile() throws Exception {
        Random random = new Random(3);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        for (int t = 0; t < 800; t++) {
            long[] counts = new long[2048];
            for (int k = 0; k < counts.length; k++) {
                counts[k] = random.nextInt(100_000);
            }
            float width = 0.001f + random.nextFloat();
            float[] edges = new float[counts.length + 1];
            for (int k = 0; k < edges.length; k++) {
                edges[k] = k * width;
            }
            String name = "layer" + t + "/out";
            // max |x| at the last edge: reading refuses one below the values its histogram counts
            tensors.put(name, new TensorStatistics(name, new Histogram(counts, edges), edges[counts.length],
                    java.util.Arrays.stream(counts).sum()));
        }
        Path file = work.resolve("statistics.json");
        HistogramJson.writeStatistics(file, new HistogramJson.StatisticsFile(new ActivationStatistics(tensors, 64, 8,
                "0".repeat(64), "test data"), StatisticsOptions.defaults()));
        long fileBytes = Files.size(file);
        assertThat(fileBytes).as("large enough that a tree of it would not fit the heap below")
                .isGreaterThan(20L << 20);

        CliProcess.Result r = CliProcess.run(work, CliProcess.testClassPath(), Map.of(), List.of("-Xmx64m"),
                "amax", "--method", "entropy", "--histogram", file.toString(), "--name", "layer799/out");

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).isEmpty();
        // the same tensor as the file holds it, read in this JVM's larger heap
        CliRun expected = CliRun.of("amax", "--method", "entropy", "--histogram", file.toString(), "--name",
                "layer799/out");
        assertThat(r.stdout()).isEqualTo(expected.out()).isNotBlank();
    }
}
