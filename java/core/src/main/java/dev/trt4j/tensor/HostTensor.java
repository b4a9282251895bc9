package dev.trt4j.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor in Java heap memory with a fixed shape: the unit of data that flows from data sources to
 * inference backends. Holds exactly one of a {@code float[]}, {@code long[]} or {@code int[]} array,
 * row-major.
 */
public final class HostTensor {
    private final ElementType type;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;
    private final int[] ints;

    private HostTensor(ElementType type, long[] shape, float[] floats, long[] longs, int[] ints, int length) {
        this.type = type;
        this.shape = shape.clone();
        long n = elementCount(this.shape);
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + length);
        }
        this.floats = floats;
        this.longs = longs;
        this.ints = ints;
    }

    /** A float32 tensor over {@code data} (not copied). */
    public static HostTensor ofFloats(long[] shape, float[] data) {
        return new HostTensor(ElementType.FLOAT32, shape, Objects.requireNonNull(data), null, null, data.length);
    }

    /** An int64 tensor over {@code data} (not copied). */
    public static HostTensor ofLongs(long[] shape, long[] data) {
        return new HostTensor(ElementType.INT64, shape, null, Objects.requireNonNull(data), null, data.length);
    }

    /** An int32 tensor over {@code data} (not copied). */
    public static HostTensor ofInts(long[] shape, int[] data) {
        return new HostTensor(ElementType.INT32, shape, null, null, Objects.requireNonNull(data), data.length);
    }

    /** Number of elements of a shape; every dimension must be non-negative. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a dynamic dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public ElementType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return elementCount(shape);
    }

    /** The float32 data (shared, not copied). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + type + ", not FLOAT32");
        }
        return floats;
    }

    /** The int64 data (shared, not copied). */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT64");
        }
        return longs;
    }

    /** The int32 data (shared, not copied). */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT32");
        }
        return ints;
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
