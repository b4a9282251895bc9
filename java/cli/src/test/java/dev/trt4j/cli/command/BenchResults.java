package dev.trt4j.cli.command;

import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.MeasuredTraces;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.TimingMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic benchmark results for tests that need no model run. */
final class BenchResults {
    private BenchResults() {
    }

    /** A CPU run of {@code file} at batch 1: {@code queries} back-to-back queries of 0.01 ms each. */
    static BenchmarkResult of(Path file, int queries) {
        List<InferenceTrace> traces = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            traces.add(InferenceTrace.withoutTransfers(i * 0.01, i * 0.01, i * 0.01, (i + 1) * 0.01));
        }
        PerformanceReport report = PerformanceReport.of(new MeasuredTraces(0, traces), 1, List.of(50.0),
                TimingMode.cpu(1));
        return new BenchmarkResult("fake", file, Map.of("x", new long[] {1, 4}), "zeros", report, traces);
    }
}
