package dev.trt4j.calibrators;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects a histogram of magnitudes with the float32 semantics of NVIDIA's reference calibrator
 * (pytorch-quantization {@code HistogramCalibrator}, default torch path).
 *
 * <ul>
 *   <li>First batch: {@code numBins} bins over {@code [0, max|x|]}; edges are {@code torch.linspace} in float32
 *       (lower half {@code k·step}, upper half {@code max − (n−1−k)·step}, so the last edge is exactly the max).</li>
 *   <li>Bin of a value {@code e} in {@code [lo, hi]}: {@code trunc(((e − lo) · bins) / (hi − lo))}, each operation
 *       rounded to float32, with {@code bins} folded into the last bin ({@code torch.histc}). The index comes from
 *       this formula, not from the stored edges.</li>
 *   <li>A later batch whose max exceeds the last edge grows the histogram to the right keeping the bin width
 *       {@code w}: the bin count becomes {@code ceil(float32(max / w))} for good, the edges become
 *       {@code torch.arange(0, float32(max + w), w)} (count {@code ceil(end / w)} in double), and the batch is
 *       binned over {@code [0, last arange edge]}. Old counts keep their indices.</li>
 * </ul>
 *
 * <p>The arange can hold one edge more (or, rarely, one fewer) than {@code bins + 1}, typically when
 * {@code max / w} rounds to an integer. Upstream keeps both as they are; so does this class, and
 * {@link #histogram()} reports the first {@code bins + 1} arange edges (extended by {@code k·w} if short). The
 * entropy and percentile results are then those of upstream.
 *
 * <p>Defined behaviour where upstream fails: a batch with nothing to add (empty, or all zeros with skip-zeros) is
 * ignored; a non-finite value is a {@link CalibrationException}; a histogram of zero bin width (every earlier
 * value 0) is restarted by the first batch with a positive value, the earlier values being counted in bin 0 as
 * if they had come with that batch. Counts are {@code long} (upstream counts in float32, which stops counting at
 * 2^24 hits per bin).
 *
 * <p>Not thread-safe.
 */
public final class HistogramCollector {
    /**
     * The most bins a histogram may have, at the start or after growth; more means the first batch saw a tiny
     * fraction of the range.
     */
    public static final int MAX_BINS = 1 << 24;

    /** How to avoid a growth past {@link #MAX_BINS}, ending the error; a caller without a range pass may replace it. */
    public static final String GROWTH_ADVICE = "start the histograms at the whole data's range with a first pass "
            + "(trt4j calibrate --range-pass, StatisticsOptions.withRangePass), or put the values with a representative "
            + "range first";

    private final String tensorName;
    private final boolean skipZeros;
    private int numBins;
    private long[] counts;
    /** Below this many values the plain loop is cheaper than the chunked one's merge. */
    private static final int FAST_PATH_MIN_LENGTH = 8192;
    private int[] scratchCounts;
    private BinThresholds thresholds;
    /** Reusable chunk for reading direct buffers; made on first use. */
    private float[] chunk;
    /** Running results of the pass in progress: largest magnitude and number of zeros seen. */
    private float countedMax;
    private int countedZeros;
    /** Where the last steady-state pass stopped: the index of the first value beyond the range. */
    private int stoppedAt;
    private float absMax;
    /** Upstream's edge tensor: the linspace, or the arange after growth (then possibly not numBins + 1 long). */
    private float[] edges;
    /** Whether a growth past what a histogram can hold drops the histogram instead of failing. */
    private boolean dropOnOverflow;
    /** Why the histogram was dropped, or null while it is kept. */
    private String dropped;

    /**
     * @param tensorName name used in error messages
     * @param numBins    bins of the first histogram (2048 by default upstream)
     * @param skipZeros  ignore exact zeros (e.g. after ReLU)
     */
    public HistogramCollector(String tensorName, int numBins, boolean skipZeros) {
        if (numBins < 1 || numBins > MAX_BINS) {
            throw new IllegalArgumentException("num-bins must be in [1, " + MAX_BINS + "], got " + numBins);
        }
        this.tensorName = Objects.requireNonNull(tensorName, "tensorName");
        this.numBins = numBins;
        this.skipZeros = skipZeros;
    }

    /**
     * Adds {@code length} values of {@code data} starting at {@code offset}.
     *
     * @throws CalibrationException if a value is NaN or infinite, or growth would need more than 2^24 bins
     */
    public void collect(float[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        collect(FloatValues.of(data, offset, length));
    }

    /** Adds every value of {@code data}. */
    public void collect(float[] data) {
        collect(data, 0, data.length);
    }

    /**
     * Adds the values from the buffer's position to its limit as one batch, without changing the position. A direct
     * buffer (e.g. an ONNX Runtime output read in place) is read in chunks, never copied whole.
     *
     * @throws CalibrationException if a value is NaN or infinite, or growth would need more than 2^24 bins
     */
    public void collect(FloatBuffer data) {
        collect(FloatValues.of(data));
    }

    private void collect(FloatValues values) {
        if (dropped != null) {
            Range range = scan(values, 0); // still refuses NaN and infinity, and tracks max |x|
            if (range != null) {
                absMax = Math.max(absMax, range.max);
            }
            return;
        }
        int length = values.length();
        int scanned = 0;
        if (counts != null && length >= FAST_PATH_MIN_LENGTH) {
            if (collectWithinRange(values)) {
                return;
            }
            // Values before the one that stopped the steady-state pass are finite and their max and zeros are
            // known: the scan resumes there instead of reading them again.
            scanned = stoppedAt;
        } else {
            countedMax = 0f;
            countedZeros = 0;
        }
        Range range = scan(values, scanned);
        if (range == null) {
            return; // nothing to add; upstream fails on max() of an empty tensor
        }
        // Taken only once the batch is in: a refused growth leaves the collector as it was before the batch.
        float maxAfter = Math.max(absMax, range.max);
        if (counts == null) {
            start(values, range, 0);
        } else if (range.max > edges[edges.length - 1] && edges[1] - edges[0] == 0f) {
            // Every earlier value was 0 (or the first max was so small that the step underflowed); upstream
            // divides by this width. Start over on the new range with the earlier values in bin 0.
            start(values, range, sum(counts));
        } else {
            if (range.max > edges[edges.length - 1] && !grow(range.max, edges[1] - edges[0])) {
                absMax = maxAfter; // the histogram is dropped; max |x| stays exact
                return;
            }
            histc(values, 0f, edges[edges.length - 1], range);
        }
        absMax = maxAfter;
    }

    /**
     * Starts the histogram at {@code [0, max]} before any value is added, as if the first batch had reached
     * {@code max}: {@code numBins} bins with the first batch's edges. With the whole data's max |x| from a first pass
     * ({@link AbsMaxCollector}), no later batch grows the histogram, whatever the order of the data (a stream that
     * starts in silence, a dark first image). Values are then binned exactly as upstream bins a first batch with
     * that max.
     *
     * @throws IllegalArgumentException if {@code max} is not positive and finite
     * @throws IllegalStateException    if the histogram has already started
     */
    public void startRange(float max) {
        if (!(max > 0f && max <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("a histogram range must be positive and finite, got " + max);
        }
        if (counts != null || dropped != null) {
            throw new IllegalStateException("tensor '" + tensorName + "': the histogram has already started");
        }
        counts = new long[numBins];
        edges = linspace(max, numBins + 1);
    }

    /**
     * True once the histogram has started: a value was added, or {@link #startRange} was called (and stays true if
     * the histogram is then dropped).
     */
    public boolean hasData() {
        return counts != null || dropped != null;
    }

    /**
     * From now on, a value that would grow the histogram past {@link #MAX_BINS} bins (or past float32's range) drops
     * the histogram instead of failing: {@link #histogram()} becomes null, {@link #droppedBecause()} says why, and
     * {@link #absMax()} stays exact. For callers that need only max |x| (the max method), where a first batch far
     * quieter than a later one (a stream starting in silence) is no reason to fail.
     */
    public void dropOnOverflow() {
        dropOnOverflow = true;
    }

    /** Why the histogram was dropped ({@link #dropOnOverflow()}), or empty while it is kept. */
    public Optional<String> droppedBecause() {
        return Optional.ofNullable(dropped);
    }

    /** Current number of bins (grows with the range); the constructor's value until the first growth. */
    public int numBins() {
        return numBins;
    }

    /** The histogram so far, or {@code null} if nothing was collected. */
    public Histogram histogram() {
        if (counts == null) {
            return null;
        }
        float[] reported = Arrays.copyOf(edges, numBins + 1);
        float width = edges[1] - edges[0];
        for (int k = edges.length; k < reported.length; k++) {
            reported[k] = k * width;
        }
        return new Histogram(counts, reported);
    }

    private void start(FloatValues values, Range range, long zerosBefore) {
        counts = new long[numBins];
        edges = linspace(range.max, numBins + 1);
        histc(values, 0f, range.max, range);
        counts[0] += zerosBefore;
    }

    /** Grows the histogram to reach {@code xmax}; false if it was dropped instead ({@link #dropOnOverflow()}). */
    private boolean grow(float xmax, float width) {
        double bins = Math.ceil(xmax / width); // float32 quotient, as torch computes it
        float end = xmax + width;
        if (Float.isInfinite(end)) {
            // upstream's arange to xmax + width overflows too: the reason is float32's range, not the bin count
            return refuseGrowth("a value of " + xmax + " lies within a bin width (" + width + ") of float32's "
                    + "largest value, so the grown histogram's last edge would overflow");
        }
        double edgeCount = Math.ceil((double) end / (double) width);
        if (!(bins <= MAX_BINS && edgeCount <= MAX_BINS + 1.0)) {
            return refuseGrowth("a value of " + xmax + " would grow the histogram (bin width " + width + ") past "
                    + MAX_BINS + " bins");
        }
        // Upstream would fail adding the old counts if the bin count shrank (possible only through rounding).
        numBins = Math.max((int) bins, counts.length);
        float[] grown = new float[(int) edgeCount];
        for (int k = 0; k < grown.length; k++) {
            grown[k] = k * width;
        }
        edges = grown;
        counts = Arrays.copyOf(counts, numBins);
        return true;
    }

    /** Drops the histogram where {@link #dropOnOverflow()} asked for it, else fails saying how to avoid {@code why}. */
    private boolean refuseGrowth(String why) {
        if (!dropOnOverflow) {
            throw new CalibrationException("tensor '" + tensorName + "': " + why + "; " + GROWTH_ADVICE);
        }
        dropped = why;
        counts = null;
        edges = null;
        return false;
    }

    /** torch.histc into {@link #counts}, including its fallback when the range is empty. */
    private void histc(FloatValues values, float lo, float hi, Range range) {
        if (lo == hi) {
            // torch.histc on an empty range uses the data's range, then widens it by 1 each side. Here that only
            // happens when every kept value is 0, so the data range is [0, 0] as well.
            lo = -1f;
            hi = 1f;
        }
        if (lo == 0f && range.max <= hi && values.length() >= FAST_PATH_MIN_LENGTH) {
            BinThresholds table = thresholds(counts.length, hi);
            if (table != null) {
                final float top = hi;
                prepareScratch(top);
                values.forEachChunk(chunk(), 0, (data, offset, length, first) -> countInRange(data, offset,
                        length, first, table, top));
                mergeScratch();
                if (skipZeros) {
                    counts[0] -= range.zeros; // counted into bin 0 above, but skipped by definition
                }
                return;
            }
        }
        final long[] c = counts;
        final int bins = c.length;
        final float from = lo;
        final float to = hi;
        final float span = hi - lo;
        values.forEachChunk(chunk(), 0, (data, offset, length, first) -> {
            for (int i = offset, end = offset + length; i < end; i++) {
                float e = Math.abs(data[i]);
                if (skipZeros && e == 0f) {
                    continue;
                }
                if (e >= from && e <= to) {
                    int pos = binOf(e, from, span, bins);
                    c[pos >= bins ? bins - 1 : pos]++;
                }
            }
            return true;
        });
    }

    /**
     * The steady state after the first batches: the range no longer grows, so checking, binning and counting happen
     * in one read of the data. If a value lies beyond the last edge, or is not finite, nothing is counted and
     * {@code false} is returned for the general path (which grows, or reports the value).
     */
    private boolean collectWithinRange(FloatValues values) {
        final float hi = edges[edges.length - 1];
        BinThresholds table = hi > 0f ? thresholds(counts.length, hi) : null;
        if (table == null) {
            countedMax = 0f;
            countedZeros = 0;
            stoppedAt = 0;
            return false;
        }
        prepareScratch(absMax);
        if (!values.forEachChunk(chunk(), 0, (data, offset, length, first) -> countInRange(data, offset, length,
                first, table, hi))) {
            Arrays.fill(scratchCounts, 0);
            return false;
        }
        mergeScratch();
        absMax = countedMax;
        if (skipZeros) {
            counts[0] -= countedZeros; // counted into bin 0 above, but skipped by definition
        }
        return true;
    }

    private BinThresholds thresholds(int bins, float hi) {
        if (thresholds == null || !thresholds.covers(bins, hi)) {
            thresholds = BinThresholds.forRange(bins, hi);
        }
        return thresholds;
    }

    private float[] chunk() {
        if (chunk == null) {
            chunk = new float[FloatValues.CHUNK];
        }
        return chunk;
    }

    /** Sizes the scratch histogram (kept zeroed between passes) and starts the running max and zero count. */
    private void prepareScratch(float knownMax) {
        if (scratchCounts == null || scratchCounts.length != counts.length) {
            scratchCounts = new int[counts.length];
        }
        countedMax = knownMax;
        countedZeros = 0;
    }

    /**
     * Counts a chunk into the scratch histogram by the threshold table, or stops (returning {@code false}) at a value
     * above {@code hi} or not finite, leaving the scratch for the caller to clear and the value's index in the batch
     * in {@link #stoppedAt} ({@code first} is the index of {@code data[offset]}). Values up to the running maximum
     * {@link #countedMax} skip the range check: they can neither leave the range nor raise the maximum, and that is
     * nearly all of them once the range has settled. Updates {@link #countedMax} and {@link #countedZeros}.
     */
    private boolean countInRange(float[] data, int offset, int length, int first, BinThresholds table, float hi) {
        final int[] h = scratchCounts;
        final float[] starts = table.starts();
        final float scale = table.estimateScale();
        float max = countedMax;
        for (int i = offset, end = offset + length; i < end; i++) {
            float a = Math.abs(data[i]);
            if (!(a <= max)) {
                if (!(a <= hi)) {
                    stoppedAt = first + i - offset;
                    countedMax = max;
                    countZeros(data, offset, i);
                    return false;
                }
                max = a;
            }
            // BinThresholds.binOf, inlined by hand: this loop is the collector's hot spot. No cap on g is needed:
            // a <= hi here, and the table is only built where the estimate of hi is at most the bin count.
            int g = (int) (a * scale);
            if (a < starts[g]) {
                g--;
            }
            h[g]++;
        }
        countedMax = max;
        countZeros(data, offset, offset + length);
        return true;
    }

    /**
     * Adds the zeros in {@code data[from, to)} to {@link #countedZeros} when zeros are skipped. A separate read:
     * counting them in {@link #countInRange}'s loop slowed it by about 15 % even when nothing was skipped.
     */
    private void countZeros(float[] data, int from, int to) {
        if (!skipZeros) {
            return;
        }
        int zeros = 0;
        for (int i = from; i < to; i++) {
            zeros += data[i] == 0f ? 1 : 0;
        }
        countedZeros += zeros;
    }

    private void mergeScratch() {
        final long[] c = counts;
        final int[] h = scratchCounts;
        for (int b = 0; b < c.length; b++) {
            c[b] += h[b];
            h[b] = 0;
        }
    }

    /** torch.histc's float32 bin of {@code e} in {@code [lo, lo + span]}, before bin {@code bins} is folded. */
    static int binOf(float e, float lo, float span, int bins) {
        float scaled = (e - lo) * bins;
        return Float.isInfinite(scaled)
                // Magnitudes near Float.MAX_VALUE (e.g. -3.4e38 attention-mask fills) overflow the float32 product
                // upstream leaves undefined; place them by the exact ratio instead.
                ? (int) Math.min(bins, (double) (e - lo) / span * bins)
                : (int) (scaled / span);
    }

    /**
     * The kept magnitudes' maximum and zero count, or null if nothing is kept; rejects NaN and infinity. Starts at
     * value {@code from}, carrying on from the max and zero count in {@link #countedMax} and {@link #countedZeros}.
     */
    private Range scan(FloatValues values, int from) {
        values.forEachChunk(chunk(), from, (data, offset, length, first) -> {
            float max = countedMax;
            int zeros = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                float a = Math.abs(data[i]);
                if (!(a <= Float.MAX_VALUE)) {
                    throw CalibrationException.notFinite(tensorName, data[i], first + i - offset);
                }
                max = a > max ? a : max;
                zeros += a == 0f ? 1 : 0;
            }
            countedMax = max;
            countedZeros += zeros;
            return true;
        });
        int length = values.length();
        boolean kept = skipZeros ? countedZeros < length : length > 0;
        return kept ? new Range(countedMax, countedZeros) : null;
    }

    /** Largest magnitude added so far (0 if none); equals the max method's amax. */
    public float absMax() {
        return absMax;
    }

    /** torch.linspace(0, end, n) in float32 (two-halves rule). */
    private static float[] linspace(float end, int n) {
        float[] v = new float[n];
        float step = end / (float) (n - 1);
        int half = n / 2;
        for (int k = 0; k < n; k++) {
            v[k] = k < half ? 0f + step * k : end - step * (n - 1 - k);
        }
        return v;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    private record Range(float max, int zeros) {
    }
}
