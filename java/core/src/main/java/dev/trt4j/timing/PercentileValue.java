package dev.trt4j.timing;

/**
 * One percentile of a metric.
 *
 * @param percentile the percentile, in {@code [0, 100]}
 * @param value      the metric's value at that percentile (ms)
 */
public record PercentileValue(double percentile, double value) {
}
