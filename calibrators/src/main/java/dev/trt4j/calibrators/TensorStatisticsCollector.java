package dev.trt4j.calibrators;

import java.nio.FloatBuffer;

/**
 * Gathers, in one pass, everything every calibration method needs about one tensor: the NVIDIA magnitude
 * histogram and the running max |x|. Rejects NaN and infinity with an error naming the tensor.
 *
 * <p>Not thread-safe.
 */
public final class TensorStatisticsCollector {
    private final String name;
    private final HistogramCollector histogram;
    private long count;

    /**
     * @param name      tensor name
     * @param numBins   bins of the first histogram (2048 by default)
     * @param skipZeros leave exact zeros out of the histogram
     */
    public TensorStatisticsCollector(String name, int numBins, boolean skipZeros) {
        this.name = name;
        this.histogram = new HistogramCollector(name, numBins, skipZeros);
    }

    /**
     * As {@link #TensorStatisticsCollector(String, int, boolean)}, with the histogram started at {@code [0, range]}
     * (see {@link HistogramCollector#startRange}); a range of 0 leaves it to the first batch.
     */
    public TensorStatisticsCollector(String name, int numBins, boolean skipZeros, float range) {
        this(name, numBins, skipZeros);
        if (range != 0f) {
            histogram.startRange(range);
        }
    }

    /** Adds {@code length} values of {@code data} starting at {@code offset}. */
    public void collect(float[] data, int offset, int length) {
        histogram.collect(data, offset, length); // validates finiteness and tracks max |x| in the same scan
        count += length;
    }

    /**
     * Adds the values from the buffer's position to its limit, without changing the position; a direct buffer is
     * read in place (see {@link HistogramCollector#collect(FloatBuffer)}).
     */
    public void collect(FloatBuffer data) {
        int length = data.remaining();
        histogram.collect(data);
        count += length;
    }

    /**
     * Drops the histogram instead of failing where a value would grow it past what it can hold (see
     * {@link HistogramCollector#dropOnOverflow()}); max |x| stays exact, so the max method still works.
     */
    public void dropHistogramOnOverflow() {
        histogram.dropOnOverflow();
    }

    /** The tensor this collector gathers. */
    public String name() {
        return name;
    }

    /** A snapshot of what was collected so far. */
    public TensorStatistics statistics() {
        return new TensorStatistics(name, histogram.histogram(), histogram.absMax(), count,
                histogram.droppedBecause().orElse(null));
    }
}
