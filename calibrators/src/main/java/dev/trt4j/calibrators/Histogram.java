package dev.trt4j.calibrators;

import java.util.Arrays;

/**
 * An immutable histogram of magnitudes: {@code counts.length} bins whose boundaries are {@code edges}
 * ({@code edges.length == counts.length + 1}). Edges are float32, as in NVIDIA's reference calibrators.
 */
public final class Histogram {
    private final long[] counts;
    private final float[] edges;

    /**
     * @param counts bin counts, each non-negative
     * @param edges  bin boundaries, one more than counts, non-decreasing from a first edge of at least 0
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
            if (i > 0 && edges[i] < edges[i - 1]) {
                throw new IllegalArgumentException("histogram edges decrease at " + i + ": " + edges[i - 1]
                        + " > " + edges[i]);
            }
        }
        this.counts = counts.clone();
        this.edges = edges.clone();
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
