package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Summary of one per-query metric, computed exactly as trtexec's {@code sampleReporting.cpp} does, so that numbers
 * compare with trtexec's for any sample count: the median of an even count is the mean of the two middle values;
 * a percentile is the nearest rank counted from the top without interpolation; the coefficient of variation uses
 * the population standard deviation.
 *
 * @param min                    smallest value
 * @param max                    largest value
 * @param mean                   arithmetic mean
 * @param median                 median
 * @param percentiles            the requested percentiles, in the order asked for
 * @param coefficientOfVariation population standard deviation / mean × 100 (%); 0 when the mean is 0
 */
public record MetricStatistics(double min, double max, double mean, double median, List<PercentileValue> percentiles,
                               double coefficientOfVariation) {
    public MetricStatistics {
        percentiles = List.copyOf(percentiles);
    }

    /**
     * Summarises {@code values} (not modified).
     *
     * @param percentiles each in {@code [0, 100]}
     * @throws IllegalArgumentException if there are no values or a percentile is out of range
     */
    public static MetricStatistics of(double[] values, List<Double> percentiles) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / sorted.length;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        double stdDev = Math.sqrt(squares / sorted.length);
        List<PercentileValue> ps = new ArrayList<>(percentiles.size());
        for (double p : percentiles) {
            ps.add(new PercentileValue(p, percentile(sorted, p)));
        }
        // trtexec's findCoeffOfVariance gives inf for a mean of 0, but never prints it: its metric lines have no CoV,
        // which feeds only its unstable-compute warning. Here the mean is 0 only for copies that were not made, all
        // 0 and so not varying: inf would print "CoV = inf %" on their lines.
        return new MetricStatistics(sorted[0], sorted[sorted.length - 1], mean, median(sorted), ps,
                mean == 0 ? 0 : stdDev / mean * 100);
    }

    /**
     * trtexec's percentile of an ascending array: {@code exclude = (int) ((1 - p / 100) * n)}, value
     * {@code sorted[max(n - 1 - exclude, 0)]}. The index is computed in float32 arithmetic as trtexec does; in
     * double arithmetic p90 of 10 values would pick the maximum instead of the 9th value.
     *
     * @param sorted ascending, not empty
     * @param p      in {@code [0, 100]}
     */
    public static double percentile(double[] sorted, double p) {
        checkPercentile(p);
        int n = sorted.length;
        float pf = (float) p;
        int exclude = (int) ((1 - pf / 100) * n);
        return sorted[Math.max(n - 1 - exclude, 0)];
    }

    /**
     * Checks a requested percentile.
     *
     * @throws IllegalArgumentException unless {@code p} is in {@code [0, 100]}
     */
    public static void checkPercentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
    }

    /** The median of an ascending, non-empty array: the middle value, or the mean of the two middle values. */
    public static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The value at percentile {@code p}, which must be one of the requested ones. */
    public double percentile(double p) {
        return percentiles.stream().filter(v -> v.percentile() == p).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("percentile " + p + " was not computed; have "
                        + percentiles.stream().map(PercentileValue::percentile).toList()))
                .value();
    }
}
