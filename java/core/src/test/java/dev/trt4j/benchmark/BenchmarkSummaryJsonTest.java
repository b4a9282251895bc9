package dev.trt4j.benchmark;

import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.MeasuredTraces;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.TimingMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkSummaryJsonTest {
    /** A CPU run of {@code n} queries, each {@code 0.01 * (1 + i % 3)} ms long. */
    static BenchmarkResult result(int n) {
        List<InferenceTrace> traces = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < n; i++) {
            double end = t + 0.01 * (1 + i % 3);
            traces.add(InferenceTrace.withoutTransfers(t, t, t, end));
            t = end;
        }
        PerformanceReport report = PerformanceReport.of(new MeasuredTraces(0, traces), 1, List.of(50.0, 99.0),
                TimingMode.cpu(1));
        return new BenchmarkResult("onnxruntime", Path.of("m.onnx"), Map.of("x", new long[] {1, 4}),
                "random (seed 0)", report, traces);
    }

    /**
     * A sweep keeps a Run for every run it timed until it ends: with each run's per-query traces (about 100 bytes a
     * query) a long --compare --rounds sweep ran out of heap at its end, losing every finished run.
     */
    @Test
    void aRunKeepsTheStatisticsButNotThePerQueryTraces() {
        BenchmarkResult timed = result(1000);

        BenchmarkSummaryJson.Run run = new BenchmarkSummaryJson.Run("m", "fp32", timed, 2);

        assertThat(run.result().measured()).isEmpty();
        assertThat(run.result().report()).isEqualTo(timed.report());
        assertThat(run.result().withoutTraces()).isSameAs(run.result());
        assertThat(timed.measured()).hasSize(1000); // the run's own result is left whole, for its --json file
        assertThat(BenchmarkSummaryJson.of(List.of(run), null)).contains("\"queries\" : 1000")
                .contains("\"round\" : 2");
    }
}
