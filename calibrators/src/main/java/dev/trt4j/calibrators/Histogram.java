package dev.trt4j.calibrators;

import java.util.Arrays;

/**
 * An immutable histogram of magnitudes: {@code counts.length} bins of one width whose boundaries are {@code edges}
 * ({@code edges.length == counts.length + 1}). Edges are float32, as in NVIDIA's reference calibrators.
 */
public final class Histogram {
    private final long[] counts;
    private final float[] edges;

    /**
     * @param counts bin counts, each non-negative
     * @param edges  bin boundaries, one more than counts, non-decreasing from a first edge of at least 0, and
     *               evenly spaced ({@link #requireEqualWidths})
     * @throws IllegalArgumentException if the shapes or values are inconsistent
     */
    public Histogram(long[] counts, float[] edges) {
        if (counts.length == 0) {
            throw new IllegalArgumentException("histogram has no bins");
        }
        if (edges.length != counts.length + 1) {
            throw new IllegalArgumentException("histogram has " + counts.length + " counts but " + edges.length
                    + " edges; expected " + (counts.length + 1) + " edges");
        }
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("histogram count " + i + " is negative: " + counts[i]);
            }
            if (total > Long.MAX_VALUE - counts[i]) {
                // the total would wrap around to a negative number of values
                throw new IllegalArgumentException("histogram counts add up to more than " + Long.MAX_VALUE
                        + " (at count " + i + ")");
            }
            total += counts[i];
        }
        for (int i = 0; i < edges.length; i++) {
            if (!Float.isFinite(edges[i])) {
                throw new IllegalArgumentException("histogram edge " + i + " is not finite: " + edges[i]);
            }
            if (i == 0 && edges[0] < 0) {
                throw new IllegalArgumentException("histogram edge 0 is negative: " + edges[0]
                        + " (the histogram is of magnitudes |x|, from 0 up)");
            }
            if (i > 0 && edges[i] < edges[i - 1] - subnormalSlack(edges.length - 1)) {
                throw new IllegalArgumentException("histogram edges decrease at " + i + ": " + edges[i - 1]
                        + " > " + edges[i]);
            }
        }
        requireEqualWidths(edges);
        this.counts = counts.clone();
        this.edges = edges.clone();
    }

    /**
     * Checks that finite, non-decreasing {@code edges} bound bins of one width. Entropy, percentile and MSE read a
     * bin's range from its index and that width, as NVIDIA's histograms allow; bins of other widths would give a
     * range that means nothing. Each edge may lie off the line from the first edge to the last by a thousandth of a
     * bin, or by the few float32 ulps that computing it as {@code i · width} costs (which, in a histogram grown to
     * many bins, is more than a thousandth of a bin), or, for a range so small that its bins are subnormal, by what
     * float32 linspace's rounding of a subnormal step adds up to ({@link #subnormalSlack}).
     *
     * @throws IllegalArgumentException naming the first bin of another width, its width and the mean
     */
    public static void requireEqualWidths(float[] edges) {
        int bins = edges.length - 1;
        double first = edges[0];
        double width = (edges[bins] - first) / bins;
        for (int i = 1; i < bins; i++) {
            double expected = first + i * width;
            double allowed = Math.max(Math.max(1e-3 * width, 8 * Math.ulp((float) expected)), subnormalSlack(bins));
            if (!(Math.abs(edges[i] - expected) <= allowed)) {
                double w = (double) edges[i] - edges[i - 1];
                throw new IllegalArgumentException("histogram bins are not of one width (bin " + (i - 1) + " is "
                        + (float) w + " wide, the mean " + (float) width + "); the methods read a bin's range from "
                        + "its index, as NVIDIA's histograms of equal bins allow");
            }
        }
    }

    /**
     * How far float32 linspace's edges may stray from the line, even out of order, when the step is subnormal (a
     * tensor whose largest magnitude is below about 1e-35): the step is then rounded to a multiple of
     * {@link Float#MIN_VALUE}, off by up to half of one, and the edges built from it, {@code k · step} from one end
     * and {@code max − (n − k) · step} from the other, drift apart by up to {@code bins} such units. Far below a
     * thousandth of a bin for any range that is not itself subnormal-sized.
     */
    private static double subnormalSlack(int bins) {
        return (double) bins * Float.MIN_VALUE;
    }

    /** Number of bins. */
    public int numBins() {
        return counts.length;
    }

    /** A copy of the bin counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** A copy of the bin edges ({@link #numBins()} + 1 values). */
    public float[] edges() {
        return edges.clone();
    }

    /** Count of bin {@code i}. */
    public long count(int i) {
        return counts[i];
    }

    /** Edge {@code i}, 0 ≤ i ≤ numBins. */
    public float edge(int i) {
        return edges[i];
    }

    /** Sum of all counts. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(counts, h.counts) && Arrays.equals(edges, h.edges);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(edges);
    }

    @Override
    public String toString() {
        return "Histogram[" + counts.length + " bins, 0.." + edges[edges.length - 1] + ", total " + total() + "]";
    }
}
