package dev.trt4j.stats;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A uniform random sample of up to {@code capacity} rows of a tensor (its vectors along the last axis, e.g. one
 * token's features), drawn by reservoir sampling over every batch with a fixed seed, so that a run repeats. Not
 * thread-safe.
 */
public final class RowSample {
    private final int width;
    private final float[][] rows;
    private final SplittableRandom random;
    private int filled;
    private long seen;

    RowSample(int capacity, int width, long seed) {
        if (capacity < 1 || width < 1) {
            throw new IllegalArgumentException("capacity and width must be positive, got " + capacity + ", " + width);
        }
        this.width = width;
        this.rows = new float[capacity][];
        this.random = new SplittableRandom(seed);
    }

    /** Offers every row of {@code values} (a whole tensor whose last axis is {@link #width()} long). */
    void offer(float[] values) {
        for (int at = 0; at + width <= values.length; at += width) {
            seen++;
            if (filled < rows.length) {
                rows[filled++] = Arrays.copyOfRange(values, at, at + width);
            } else {
                long slot = random.nextLong(seen);
                if (slot < rows.length) {
                    rows[(int) slot] = Arrays.copyOfRange(values, at, at + width);
                }
            }
        }
    }

    /** Length of each row: the tensor's last dimension. */
    public int width() {
        return width;
    }

    /** The rows kept, at most the capacity. */
    public List<float[]> rows() {
        return List.of(Arrays.copyOf(rows, filled));
    }

    /** How many rows were offered in all. */
    public long seen() {
        return seen;
    }
}
