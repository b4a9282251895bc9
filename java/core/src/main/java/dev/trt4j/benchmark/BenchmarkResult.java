package dev.trt4j.benchmark;

import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.PerformanceReport;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark run measured.
 *
 * @param backend  the backend's name
 * @param file     the model or engine
 * @param shapes   the input shapes every query had
 * @param inputs   how the inputs were made, e.g. {@code random (seed 0)}
 * @param report   trtexec's statistics
 * @param measured the measured queries' traces (warm-up left out), for {@link dev.trt4j.timing.TimesJson}; empty in
 *                 a copy made by {@link #withoutTraces()}
 */
public record BenchmarkResult(String backend, Path file, Map<String, long[]> shapes, String inputs,
                              PerformanceReport report, List<InferenceTrace> measured) {
    public BenchmarkResult {
        Map<String, long[]> copy = new LinkedHashMap<>();
        shapes.forEach((name, dims) -> copy.put(name, dims.clone()));
        shapes = Collections.unmodifiableMap(copy);
        measured = List.copyOf(measured);
    }

    /**
     * This result with its statistics and no per-query traces, for what outlives the run: the traces take about
     * 100 bytes a query, so a sweep that kept every run's would need memory in proportion to all of its queries.
     */
    public BenchmarkResult withoutTraces() {
        return measured.isEmpty() ? this : new BenchmarkResult(backend, file, shapes, inputs, report, List.of());
    }

    /** Samples per query. */
    public int batch() {
        return report.samplesPerQuery();
    }
}
