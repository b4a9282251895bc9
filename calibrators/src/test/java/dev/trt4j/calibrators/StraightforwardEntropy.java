package dev.trt4j.calibrators;

/**
 * calibration.md §2.4 transcribed literally, element by element, for cross-checking {@link EntropyCalibrator}: no
 * prefix sums, no shortcuts, p and q normalised before {@code p·ln(p/q)} as scipy.stats.entropy does.
 */
final class StraightforwardEntropy {
    private StraightforwardEntropy() {
    }

    /** The chosen number of kept bins i (amax = edges[i]): the largest NaN candidate, else the largest minimum. */
    static int keptBins(long[] hist, int numBits, boolean unsigned, int startBin, int stride) {
        double[] d = divergences(hist, numBits, unsigned, startBin, stride);
        int best = -1;
        int lastNaN = -1;
        for (int i = startBin; i < d.length; i += stride) {
            if (Double.isNaN(d[i])) {
                lastNaN = i;
            } else if (best < 0 || d[i] <= d[best]) {
                best = i;
            }
        }
        return lastNaN >= 0 ? lastNaN : best;
    }

    /** KL(P‖Q) indexed by the number of kept bins i (entries that are not candidates are unused). */
    static double[] divergences(long[] hist, int numBits, boolean unsigned, int startBin, int stride) {
        long[] b = hist.clone();
        b[0] = b[1];
        int n = b.length;
        int nq = 1 << (numBits - 1 + (unsigned ? 1 : 0));
        double[] divergences = new double[n + 1];
        for (int i = startBin; i <= n; i += stride) {
            double[] groupSum = new double[nq];
            int[] groupCount = new int[nq];
            for (int j = 0; j < i; j++) {
                int g = (int) ((long) j * nq / i);
                if (b[j] != 0) {
                    groupSum[g] += b[j];
                    groupCount[g]++;
                }
            }
            double[] p = new double[i];
            double[] q = new double[i];
            for (int j = 0; j < i; j++) {
                int g = (int) ((long) j * nq / i);
                p[j] = b[j];
                q[j] = b[j] == 0 ? 0 : groupSum[g] / groupCount[g];
            }
            for (int k = i; k < n; k++) {
                p[i - 1] += b[k];
            }
            double sumP = 0;
            double sumQ = 0;
            for (int j = 0; j < i; j++) {
                sumP += p[j];
                sumQ += q[j];
            }
            double d = 0;
            for (int j = 0; j < i; j++) {
                double pj = p[j] / sumP;
                double qj = q[j] / sumQ;
                if (Double.isNaN(pj) || Double.isNaN(qj)) {
                    d = Double.NaN;
                } else if (pj > 0) {
                    d += qj == 0 ? Double.POSITIVE_INFINITY : pj * Math.log(pj / qj);
                }
            }
            divergences[i] = d;
        }
        return divergences;
    }
}
