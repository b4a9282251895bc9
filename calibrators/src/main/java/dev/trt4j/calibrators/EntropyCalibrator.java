package dev.trt4j.calibrators;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;

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
 * <p>D is computed in double as {@code (1/ΣP)·Σ P_j·(ln P_j − ln Q_j) + ln(ΣQ/ΣP)} from exact integer group sums,
 * so each candidate costs O(nq) instead of O(i) (about 2 ms for 2048 bins). It is exactly 0 whenever P and Q are
 * proportional, as upstream's is, so ties at zero go to the largest candidate as upstream's do. Elsewhere D can
 * differ from upstream's in the last bits (summation order, libm), which can only matter on near-ties.
 */
public final class EntropyCalibrator implements Calibrator {
    /** Largest group-logarithm cache (8 MiB); beyond it logarithms are recomputed per candidate. */
    private static final long MAX_CACHED_GROUPS = 1 << 20;

    @Override
    public Set<String> optionsRead() {
        return Set.of("startBin", "stride", "trtEntropyThreshold");
    }

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
        if (statistics.onlySkippedZeros()) {
            return 0f; // an all-zero tensor, as without skip-zeros
        }
        Histogram histogram = statistics.requireHistogram(name());
        int n = histogram.numBins();
        int startBin = options.startBin();
        if (n < 2) {
            throw new CalibrationException("tensor '" + statistics.name() + "': the entropy method needs at least 2 "
                    + "bins but the histogram has " + n + "; collect with more bins");
        }
        if (n < startBin) {
            throw new CalibrationException("tensor '" + statistics.name() + "': the entropy method needs at least "
                    + startBin + " bins (start-bin " + startBin + ") but the histogram has " + n
                    + "; lower start-bin to at most " + n + " or collect with more bins");
        }
        int i = new Search(histogram, options).bestKeptBins();
        if (options.trtEntropyThreshold()) {
            float width = histogram.edge(1) - histogram.edge(0);
            // Past Float.MAX_VALUE (only for ranges near it) the threshold saturates instead of becoming infinite.
            return (float) Math.min((i + 0.5) * width, Float.MAX_VALUE);
        }
        return histogram.edge(i);
    }

    /**
     * The KL search over one histogram. Tables built once make every group of every candidate O(1): exact integer
     * prefix sums of counts and of non-empty bins, a compensated (double-double) prefix sum of {@code b·ln b}, and
     * for each non-empty bin the next non-empty bin with a different count (to see whether a group is uniform).
     */
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
        /** Σ_{k<j} b[k]·ln b[k] = entropyHigh[j] + entropyLow[j]. */
        private final double[] entropyHigh;
        private final double[] entropyLow;
        /** firstNonZero[j] = first non-empty bin at or after j (n if none). */
        private final int[] firstNonZero;
        /** For a non-empty bin j: the first non-empty bin after j whose count differs from b[j] (n if none). */
        private final int[] nextDifferent;
        /** log2(nq): group boundaries ceil(g·i/nq) are shifts. */
        private final int shift;
        /**
         * ln(S/N) of group [lo, lo + width) at lo·widthSpan + width, NaN until computed: candidates share most
         * groups, so this saves most logarithms. Null when the table would be large (few levels, many bins).
         */
        private final double[] logMeans;
        private final int widthSpan;

        Search(Histogram histogram, CalibrationOptions options) {
            bins = histogram.counts();
            bins[0] = bins[1];
            n = bins.length;
            shift = options.numBits() - 1 + (options.unsigned() ? 1 : 0);
            nq = 1L << shift;
            startBin = options.startBin();
            stride = options.stride();
            prefix = new long[n + 1];
            nonZero = new int[n + 1];
            entropyHigh = new double[n + 1];
            entropyLow = new double[n + 1];
            for (int j = 0; j < n; j++) {
                long b = bins[j];
                prefix[j + 1] = prefix[j] + b;
                nonZero[j + 1] = nonZero[j] + (b != 0 ? 1 : 0);
                double x = b != 0 ? b * Math.log(b) : 0;
                double sum = entropyHigh[j] + x; // TwoSum: sum + error == entropyHigh[j] + x exactly
                double virtualX = sum - entropyHigh[j];
                double error = (entropyHigh[j] - (sum - virtualX)) + (x - virtualX);
                entropyHigh[j + 1] = sum;
                entropyLow[j + 1] = entropyLow[j] + error;
            }
            total = prefix[n];
            firstNonZero = new int[n + 1];
            nextDifferent = new int[n];
            firstNonZero[n] = n;
            for (int j = n - 1; j >= 0; j--) {
                int next = firstNonZero[j + 1];
                if (bins[j] != 0) {
                    nextDifferent[j] = next == n || bins[next] != bins[j] ? next : nextDifferent[next];
                    firstNonZero[j] = j;
                } else {
                    firstNonZero[j] = next;
                }
            }
            widthSpan = (int) ceilDiv(n, nq) + 1;
            if ((long) widthSpan * n <= MAX_CACHED_GROUPS) {
                logMeans = new double[widthSpan * n];
                Arrays.fill(logMeans, Double.NaN);
            } else {
                logMeans = null;
            }
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
            if (i <= nq) {
                // Every kept bin is its own level, Q_j = b_j: only the last bin, which takes the clipped mass, counts.
                if (tail > 0) {
                    double p = last + tail;
                    sum = p * (Math.log(p) - Math.log(last));
                }
            } else {
                int lo = 0;
                for (long g = 1; g <= nq; g++) {
                    int hi = (int) ((g * i + nq - 1) >>> shift);
                    int groupNonZero = nonZero[hi] - nonZero[lo];
                    long extra = hi == i ? tail : 0;
                    // A lone non-empty bin has Q_j = P_j unless it takes the clipped mass: its term is exactly 0.
                    if (groupNonZero > 1 || extra > 0) {
                        long groupTotal = prefix[hi] - prefix[lo];
                        double logQ = logMean(lo, hi, groupTotal, groupNonZero);
                        int end = extra > 0 ? hi - 1 : hi;
                        // Bins equal to their group's mean have p == q upstream: their terms are exactly 0.
                        if (!atMean(lo, end, groupTotal, groupNonZero)) {
                            double entropy = (entropyHigh[end] - entropyHigh[lo]) + (entropyLow[end] - entropyLow[lo]);
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
            }
            if (tail == 0) {
                return exactlyZero ? 0 : positive(sum / total);
            }
            if (proportional(i, kept)) {
                return 0;
            }
            return positive(sum / total + Math.log((double) kept / total));
        }

        private double logMean(int lo, int hi, long groupTotal, int groupNonZero) {
            if (logMeans == null) {
                return Math.log((double) groupTotal / groupNonZero);
            }
            int key = lo * widthSpan + (hi - lo);
            double v = logMeans[key];
            if (Double.isNaN(v)) {
                v = Math.log((double) groupTotal / groupNonZero);
                logMeans[key] = v;
            }
            return v;
        }

        /** Whether every non-empty bin of [lo, end) holds exactly {@code groupTotal / groupNonZero}. */
        private boolean atMean(int lo, int end, long groupTotal, int groupNonZero) {
            int first = firstNonZero[lo];
            if (first >= end) {
                return true;
            }
            return nextDifferent[first] >= end && groupTotal % groupNonZero == 0
                    && groupTotal / groupNonZero == bins[first];
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
