package dev.trt4j.timing;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * trtexec's performance summary of one run: per-query metrics, throughput over the walltime span and the
 * warnings. A query is one inference call; {@code samplesPerQuery} is its batch size, so throughput is given both
 * in queries (trtexec's "qps") and in samples per second.
 *
 * @param mode             how the times were taken
 * @param warmUpQueries    queries dropped as warm-up
 * @param queries          measured queries
 * @param samplesPerQuery  samples in one query (the batch dimension)
 * @param walltimeMs       trtexec's "Total Host Walltime" (ms)
 * @param queriesPerSecond measured queries / walltime
 * @param samplesPerSecond queries per second × samples per query
 * @param latency          H2D + compute + D2H per query (ms)
 * @param enqueue          host enqueue time per query (ms)
 * @param h2d              host-to-device copy per query (ms)
 * @param compute          compute time per query (ms): "GPU Compute Time" on a GPU
 * @param d2h              device-to-host copy per query (ms)
 * @param totalComputeMs   mean compute time × queries (ms)
 * @param warnings         what may bound or disturb the measurement
 */
public record PerformanceReport(TimingMode mode, int warmUpQueries, int queries, int samplesPerQuery,
                                double walltimeMs, double queriesPerSecond, double samplesPerSecond,
                                MetricStatistics latency, MetricStatistics enqueue, MetricStatistics h2d,
                                MetricStatistics compute, MetricStatistics d2h, double totalComputeMs,
                                List<TimingWarning> warnings) {
    public PerformanceReport {
        warnings = List.copyOf(warnings);
    }

    /**
     * Computes the report of a run.
     *
     * @param traces          warm-up and measured traces, split already
     * @param samplesPerQuery batch size of one query, at least 1
     * @param percentiles     the percentiles to report, each in {@code [0, 100]}
     */
    public static PerformanceReport of(MeasuredTraces traces, int samplesPerQuery, List<Double> percentiles,
                                       TimingMode mode) {
        if (samplesPerQuery < 1) {
            throw new IllegalArgumentException("samples per query must be at least 1, got " + samplesPerQuery);
        }
        List<InferenceTrace> measured = traces.measured();
        MetricStatistics latency = summarise(measured, InferenceTrace::latencyMs, percentiles);
        MetricStatistics enqueue = summarise(measured, InferenceTrace::enqueueMs, percentiles);
        MetricStatistics h2d = summarise(measured, InferenceTrace::h2dMs, percentiles);
        MetricStatistics compute = summarise(measured, InferenceTrace::computeMs, percentiles);
        MetricStatistics d2h = summarise(measured, InferenceTrace::d2hMs, percentiles);
        double walltime = traces.walltimeMs();
        double qps = walltime > 0 ? measured.size() / walltime * 1000 : Double.NaN;
        return new PerformanceReport(mode, traces.warmUpQueries(), measured.size(), samplesPerQuery, walltime, qps,
                qps * samplesPerQuery, latency, enqueue, h2d, compute, d2h, compute.mean() * measured.size(),
                TimingWarning.check(enqueue, h2d, compute, d2h, mode));
    }

    private static MetricStatistics summarise(List<InferenceTrace> traces, ToDoubleFunction<InferenceTrace> metric,
                                              List<Double> percentiles) {
        return MetricStatistics.of(traces.stream().mapToDouble(metric).toArray(), percentiles);
    }
}
