package dev.trt4j.calibrators;

import java.math.BigInteger;

/**
 * {@code "entropy"}: the clipping point that minimises the KL divergence between the histogram and its quantized
 * version, with the exact semantics of pytorch-quantization and ModelOpt ({@code _compute_amax_entropy}).
 *
 * <p>On a copy of the counts {@code b} with {@code b[0] = b[1]} (suppressing the spike at zero), each candidate
 * {@code i = startBin, startBin + stride, … ≤ n} keeps the first {@code i} bins:
 * <ul>
 *   <li>P: the kept bins, with every count beyond them added to the last kept bin;</li>
 *   <li>Q: the kept bins in {@code nq = 2^(numBits − 1 + unsigned)} groups, bin {@code j} in group
 *       {@code floor(j · nq / i)}, each group's total spread evenly over its non-empty bins (empty bins stay 0);</li>
 *   <li>D = Σ p·ln(p/q) over the normalised P and Q (natural log, no smoothing): +∞ if some p > 0 has q = 0,
 *       NaN if Q or P is all zero.</li>
 * </ul>
 * If any D is NaN the largest such {@code i} is chosen, otherwise the largest {@code i} attaining the minimum.
 * The result is {@code edges[i]}, or TensorRT's {@code float32((i + 0.5) · w)} (w the bin width) when
 * {@link CalibrationOptions#trtEntropyThreshold()} is set.
 *
 * <p>D is computed in double from exact integer group sums as
 * {@code (1/ΣP)·Σ P_j·(ln P_j − ln Q_j) + ln(ΣQ/ΣP)}, with the per-bin logarithms computed once. It is exactly 0
 * whenever P and Q are proportional, as upstream's is, so ties at zero are resolved as upstream resolves them.
 * Elsewhere D can differ from upstream's in the last bits (different summation order and libm), which can only
 * change the result on near-ties.
 */
public final class EntropyCalibrator implements Calibrator {
    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public String description() {
        return "KL-divergence minimising clip point (pytorch-quantization/ModelOpt; optionally TensorRT's threshold)";
    }

    /**
     * @throws CalibrationException if nothing reached the histogram, or it has fewer bins than start-bin
     */
    @Override
    public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
        Histogram histogram = statistics.requireHistogram(name());
        int n = histogram.numBins();
        int startBin = options.startBin();
        if (n < startBin || n < 2) {
            throw new CalibrationException("tensor '" + statistics.name() + "': the entropy method needs at least "
                    + Math.max(startBin, 2) + " bins (start-bin " + startBin + ") but the histogram has " + n
                    + "; lower start-bin to at most " + n + " or collect with more bins");
        }
        int i = new Search(histogram, options).bestKeptBins();
        if (options.trtEntropyThreshold()) {
            float width = histogram.edge(1) - histogram.edge(0);
            return (float) ((i + 0.5) * width);
        }
        return histogram.edge(i);
    }

    /** The KL search over one histogram; prefix tables are built once and shared by every candidate. */
    private static final class Search {
        private final long[] bins;
        private final int n;
        private final long total;
        private final long nq;
        private final int startBin;
        private final int stride;
        /** prefix[j] = b[0] + … + b[j−1]. */
        private final long[] prefix;
        /** nonZero[j] = number of non-empty bins among b[0..j−1]. */
        private final int[] nonZero;
        /** b[j]·ln b[j] (0 for empty bins). */
        private final double[] binEntropy;

        Search(Histogram histogram, CalibrationOptions options) {
            bins = histogram.counts();
            bins[0] = bins[1];
            n = bins.length;
            nq = 1L << (options.numBits() - 1 + (options.unsigned() ? 1 : 0));
            startBin = options.startBin();
            stride = options.stride();
            prefix = new long[n + 1];
            nonZero = new int[n + 1];
            binEntropy = new double[n];
            for (int j = 0; j < n; j++) {
                long b = bins[j];
                prefix[j + 1] = prefix[j] + b;
                nonZero[j + 1] = nonZero[j] + (b != 0 ? 1 : 0);
                if (b != 0) {
                    binEntropy[j] = b * Math.log(b);
                }
            }
            total = prefix[n];
        }

        int bestKeptBins() {
            int best = -1;
            double bestDivergence = Double.POSITIVE_INFINITY;
            int lastNaN = -1;
            for (int i = startBin; i <= n; i += stride) {
                double d = divergence(i);
                if (Double.isNaN(d)) {
                    lastNaN = i;
                } else if (best < 0 || d <= bestDivergence) {
                    best = i;
                    bestDivergence = d;
                }
            }
            return lastNaN >= 0 ? lastNaN : best;
        }

        /** KL(P‖Q) when the first {@code i} bins are kept. */
        double divergence(int i) {
            long kept = prefix[i];
            long tail = total - kept;
            if (kept == 0) {
                return Double.NaN; // Q is all zero (and P too if total == 0)
            }
            long last = bins[i - 1];
            if (last == 0 && tail > 0) {
                return Double.POSITIVE_INFINITY; // the clipped mass lands where Q is 0
            }
            double sum = 0; // Σ P_j·(ln P_j − ln Q_j)
            boolean exactlyZero = true; // every term so far is exactly 0
            int lo = 0;
            while (lo < i) {
                long group = lo * nq / i;
                int hi = (int) ceilDiv((group + 1) * i, nq);
                int groupNonZero = nonZero[hi] - nonZero[lo];
                long extra = hi == i ? tail : 0;
                // A lone non-empty bin has Q_j = P_j unless it receives the clipped mass: its term is exactly 0.
                if (groupNonZero > 1 || extra > 0) {
                    long groupTotal = prefix[hi] - prefix[lo];
                    double logQ = Math.log((double) groupTotal / groupNonZero);
                    int end = extra > 0 ? hi - 1 : hi;
                    long mean = groupTotal % groupNonZero == 0 ? groupTotal / groupNonZero : -1;
                    double entropy = 0;
                    boolean atMean = true;
                    for (int j = lo; j < end; j++) {
                        long b = bins[j];
                        if (b != 0) {
                            atMean &= b == mean;
                            entropy += binEntropy[j];
                        }
                    }
                    if (!atMean) { // bins equal to their group's mean contribute exactly 0
                        sum += entropy - logQ * (prefix[end] - prefix[lo]);
                        exactlyZero = false;
                    }
                    if (extra > 0) {
                        double p = last + extra;
                        sum += p * (Math.log(p) - logQ);
                    }
                }
                lo = hi;
            }
            if (tail == 0) {
                return exactlyZero ? 0 : positive(sum / total);
            }
            if (proportional(i, kept)) {
                return 0;
            }
            return positive(sum / total + Math.log((double) kept / total));
        }

        /** KL is never negative: rounding noise stays above the exact zeros so that they keep winning ties. */
        private static double positive(double d) {
            return d > 0 ? d : Double.MIN_VALUE;
        }

        /**
         * Whether P is exactly proportional to Q (so D is exactly 0, as upstream computes it) when mass is clipped.
         * That needs every non-empty kept bin in the last group, with P_j·N·kept == S·total for each of them.
         */
        private boolean proportional(int i, long kept) {
            long group = (long) (i - 1) * nq / i;
            int lo = (int) ceilDiv(group * i, nq);
            if (nonZero[lo] != 0) {
                return false;
            }
            BigInteger groupNonZero = BigInteger.valueOf(nonZero[i] - nonZero[lo]);
            BigInteger rhs = BigInteger.valueOf(prefix[i] - prefix[lo]).multiply(BigInteger.valueOf(total));
            BigInteger keptBig = BigInteger.valueOf(kept);
            for (int j = lo; j < i; j++) {
                long p = j == i - 1 ? bins[j] + (total - kept) : bins[j];
                if (p != 0 && !BigInteger.valueOf(p).multiply(groupNonZero).multiply(keptBig).equals(rhs)) {
                    return false;
                }
            }
            return true;
        }

        private static long ceilDiv(long a, long b) {
            return (a + b - 1) / b;
        }
    }
}
