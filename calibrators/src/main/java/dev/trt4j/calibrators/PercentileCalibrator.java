package dev.trt4j.calibrators;

import java.util.Set;

/**
 * {@code "percentile"}: the left edge of the histogram bin in which the cumulative distribution first reaches
 * {@link CalibrationOptions#percentile()} percent, as pytorch-quantization and ModelOpt compute it. The
 * distribution is summed left to right in double ({@code cdf[k] = cdf[k−1] + count[k] / total}); if rounding
 * leaves it short of the target the result is the last edge. The result therefore lies up to one bin width below
 * the true percentile, and 100 gives the left edge of the bin holding the maximum, not the maximum.
 */
public final class PercentileCalibrator implements Calibrator {
    @Override
    public Set<String> optionsRead() {
        return Set.of("percentile");
    }

    @Override
    public String name() {
        return "percentile";
    }

    @Override
    public String description() {
        return "left edge of the histogram bin where the given percentile of |x| is reached";
    }

    @Override
    public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
        if (statistics.onlySkippedZeros()) {
            return 0f; // an all-zero tensor, as without skip-zeros
        }
        Histogram histogram = statistics.requireHistogram(name());
        long total = histogram.total();
        double target = options.percentile() / 100;
        double totalD = total;
        double cdf = 0;
        int bins = histogram.numBins();
        for (int k = 0; k < bins; k++) {
            cdf += histogram.count(k) / totalD;
            if (cdf >= target) {
                return histogram.edge(k);
            }
        }
        return histogram.edge(bins);
    }
}
