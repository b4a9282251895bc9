package dev.trt4j.calibrators;

/**
 * Collects a histogram of magnitudes with the exact float32 semantics of NVIDIA's reference calibrator
 * (pytorch-quantization {@code HistogramCalibrator}, torch path): the first batch spans {@code [0, max|x|]}
 * with {@code numBins} bins; a later batch with a larger maximum grows the histogram to the right keeping the
 * bin width, and old counts stay at their indices. Counts are {@code long} (upstream counts in float32, which
 * saturates past 2^24 hits per bin).
 *
 * <p>Not thread-safe.
 */
public final class HistogramCollector {
    private final String tensorName;
    private final boolean skipZeros;
    private int numBins;
    private long[] counts;
    private float[] edges;

    /**
     * @param tensorName name used in error messages
     * @param numBins    bins of the first histogram (2048 by default upstream)
     * @param skipZeros  ignore exact zeros (e.g. after ReLU)
     */
    public HistogramCollector(String tensorName, int numBins, boolean skipZeros) {
        if (numBins < 1) {
            throw new IllegalArgumentException("num-bins must be at least 1, got " + numBins);
        }
        this.tensorName = tensorName;
        this.numBins = numBins;
        this.skipZeros = skipZeros;
    }

    /** Adds {@code length} values of {@code data} starting at {@code offset}. */
    public void collect(float[] data, int offset, int length) {
        float xmax = 0f;
        int kept = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            float v = data[i];
            if (!Float.isFinite(v)) {
                throw new CalibrationException("tensor '" + tensorName + "': value " + v + " at index " + (i - offset)
                        + " is not finite; calibration needs finite activations");
            }
            float a = Math.abs(v);
            if (skipZeros && a == 0f) {
                continue;
            }
            kept++;
            if (a > xmax) {
                xmax = a;
            }
        }
        if (kept == 0) {
            return; // nothing to add (upstream crashes here); the histogram stays as it was
        }
        if (counts != null && edges[edges.length - 1] == 0f && xmax > 0f) {
            // Zero-width histogram (every earlier value was 0): upstream divides by zero when growing.
            // Restart it on the new range and keep the earlier zeros in bin 0.
            long zeros = 0;
            for (long c : counts) {
                zeros += c;
            }
            counts = null;
            edges = null;
            firstBatch(data, offset, length, xmax);
            counts[0] += zeros;
            return;
        }
        if (counts == null) {
            firstBatch(data, offset, length, xmax);
            return;
        }
        if (xmax > edges[edges.length - 1]) {
            float width = edges[1] - edges[0];
            numBins = (int) Math.ceil(xmax / width);
            float end = xmax + width;
            int n = (int) Math.ceil((double) end / (double) width);
            float[] grown = new float[n];
            for (int k = 0; k < n; k++) {
                grown[k] = k * width;
            }
            if (n != numBins + 1) {
                // The reference asserts this; arange and ceil agree for every finite input we have seen.
                numBins = n - 1;
            }
            long[] newCounts = new long[numBins];
            System.arraycopy(counts, 0, newCounts, 0, counts.length);
            counts = newCounts;
            edges = grown;
        }
        histc(data, offset, length, 0f, edges[edges.length - 1]);
    }

    /** Convenience for a whole array. */
    public void collect(float[] data) {
        collect(data, 0, data.length);
    }

    private void firstBatch(float[] data, int offset, int length, float xmax) {
        counts = new long[numBins];
        float lo = 0f;
        float hi = xmax;
        edges = linspace(0f, xmax, numBins + 1);
        if (lo == hi) {
            // torch.histc with min == max uses the data range, then widens by 1 on each side.
            lo = -1f;
            hi = 1f;
        }
        histc(data, offset, length, lo, hi);
    }

    private void histc(float[] data, int offset, int length, float lo, float hi) {
        final long[] c = counts;
        final int bins = c.length;
        final float fbins = bins;
        final float range = hi - lo;
        final boolean skip = skipZeros;
        for (int i = offset, end = offset + length; i < end; i++) {
            float e = Math.abs(data[i]);
            if (skip && e == 0f) {
                continue;
            }
            if (e >= lo && e <= hi) {
                int pos = (int) (((e - lo) * fbins) / range);
                if (pos == bins) {
                    pos = bins - 1;
                }
                c[pos]++;
            }
        }
    }

    private static float[] linspace(float start, float end, int n) {
        float[] v = new float[n];
        if (n == 1) {
            v[0] = start;
            return v;
        }
        float step = (end - start) / (float) (n - 1);
        int half = n / 2;
        for (int k = 0; k < n; k++) {
            v[k] = k < half ? start + step * k : end - step * (n - 1 - k);
        }
        return v;
    }

    /** True once at least one value has been collected. */
    public boolean hasData() {
        return counts != null;
    }

    /** The histogram so far, or {@code null} if nothing was collected. */
    public Histogram histogram() {
        return counts == null ? null : new Histogram(counts, edges);
    }
}
