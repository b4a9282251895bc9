package dev.trt4j.calibrators;

/**
 * The bin of a magnitude in {@code [0, hi]} as torch's float32 {@code histc} computes it,
 * {@code min(trunc(f32(f32(e · bins) / hi)), bins − 1)}, found without a division.
 *
 * <p>That formula is non-decreasing in {@code e}: each float32 rounding is monotonic. So each bin {@code k} starts at
 * a threshold, the least float {@code e} whose bin is at least {@code k}. The thresholds are found once per range, each
 * by stepping ulps from an estimate through the exact formula. A lookup then takes one multiply by a slightly
 * enlarged {@code bins / hi}, which gives the bin or the one above it, and one comparison with that bin's threshold.
 * The table is only built when that property is verified at every threshold, so the result is the formula's, bit for
 * bit. The float divide it replaces dominated the collection loop.
 *
 * <p>Only for ranges whose product {@code hi · bins} is finite. Immutable once built.
 */
final class BinThresholds {
    /** Beyond this many bins the table would leave the L2 cache and cost more than the divide it saves. */
    static final int MAX_TABLE_BINS = 1 << 18;

    private final int bins;
    private final float hi;
    private final float estimateScale;
    /** {@code starts[k]}: least magnitude in bin k or above; {@code starts[0] = 0}, {@code starts[bins] = +inf}. */
    private final float[] starts;

    private BinThresholds(int bins, float hi, float[] starts, float estimateScale) {
        this.bins = bins;
        this.hi = hi;
        this.starts = starts;
        this.estimateScale = estimateScale;
    }

    /** Thresholds for {@code bins} bins over {@code [0, hi]}, or {@code null} where the table path does not apply. */
    static BinThresholds forRange(int bins, float hi) {
        if (bins < 1 || bins > MAX_TABLE_BINS || !(hi > 0f) || Float.isInfinite(hi * (float) bins)
                || Float.isInfinite((float) bins / hi)) {
            return null;
        }
        float[] starts = new float[bins + 1];
        starts[bins] = Float.POSITIVE_INFINITY;
        for (int k = 1; k < bins; k++) {
            starts[k] = leastMagnitudeInBin(k, bins, hi);
        }
        // Enlarged by 2^-20 so that the float32 errors of the estimate (a few 2^-24) never put it below the bin;
        // with at most 2^18 bins it then never reaches two above it. Checked below rather than trusted.
        float scale = (float) (bins / (double) hi * (1 + 0x1p-20));
        for (int k = 0; k < bins; k++) {
            float first = starts[k];
            float last = k + 1 < bins ? Math.nextDown(starts[k + 1]) : hi;
            if (estimate(first, scale) < k || estimate(last, scale) > k + 1) {
                return null;
            }
        }
        return new BinThresholds(bins, hi, starts, scale);
    }

    /**
     * The estimate {@link #binOf} corrects: the bin of {@code e} or the one above. Not capped: the check in
     * {@link #forRange} at {@code e = hi} then proves it at most {@code bins} for every {@code e <= hi} (the estimate
     * is non-decreasing), which lets the collector's loop index {@link #starts()} without a cap.
     */
    private static int estimate(float e, float scale) {
        return (int) (e * scale);
    }

    boolean covers(int bins, float hi) {
        return this.bins == bins && Float.floatToRawIntBits(this.hi) == Float.floatToRawIntBits(hi);
    }

    /** The formula's bin of a magnitude {@code e} in {@code [0, hi]}. */
    int binOf(float e) {
        int g = estimate(e, estimateScale);
        return e < starts[g] ? g - 1 : g;
    }

    /** The exact float32 formula (the definition the table reproduces). */
    static int formulaBin(float e, int bins, float hi) {
        int pos = HistogramCollector.binOf(e, 0f, hi, bins);
        return pos >= bins ? bins - 1 : pos;
    }

    float[] starts() {
        return starts;
    }

    float estimateScale() {
        return estimateScale;
    }

    private static float leastMagnitudeInBin(int k, int bins, float hi) {
        float x = (float) ((double) k * hi / bins);
        if (formulaBin(x, bins, hi) >= k) {
            while (x > 0f && formulaBin(Math.nextDown(x), bins, hi) >= k) {
                x = Math.nextDown(x);
            }
        } else {
            while (formulaBin(x, bins, hi) < k) {
                x = Math.nextUp(x);
            }
        }
        return x;
    }
}
