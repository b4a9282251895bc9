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
        long n;
        try {
            n = elementCount(this.shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds more than 2^63 elements "
                    + "but the data has " + length, e);
        }
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + length);
        }
        this.floats = floats;
        this.longs = longs;
        this.ints = ints;
    }

    /**
     * A float32 tensor over {@code data} (not copied).
     *
     * @param shape fixed dimensions (copied); their product must equal {@code data.length}
     * @param data  the elements, row-major
     * @return the tensor, which shares {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count differs from
     *                                  {@code data.length}
     * @throws NullPointerException     if {@code shape} or {@code data} is null
     */
    public static HostTensor ofFloats(long[] shape, float[] data) {
        return new HostTensor(ElementType.FLOAT32, shape, Objects.requireNonNull(data), null, null, data.length);
    }

    /**
     * An int64 tensor over {@code data} (not copied).
     *
     * @param shape fixed dimensions (copied); their product must equal {@code data.length}
     * @param data  the elements, row-major
     * @return the tensor, which shares {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count differs from
     *                                  {@code data.length}
     * @throws NullPointerException     if {@code shape} or {@code data} is null
     */
    public static HostTensor ofLongs(long[] shape, long[] data) {
        return new HostTensor(ElementType.INT64, shape, null, Objects.requireNonNull(data), null, data.length);
    }

    /**
     * An int32 tensor over {@code data} (not copied).
     *
     * @param shape fixed dimensions (copied); their product must equal {@code data.length}
     * @param data  the elements, row-major
     * @return the tensor, which shares {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count differs from
     *                                  {@code data.length}
     * @throws NullPointerException     if {@code shape} or {@code data} is null
     */
    public static HostTensor ofInts(long[] shape, int[] data) {
        return new HostTensor(ElementType.INT32, shape, null, null, Objects.requireNonNull(data), data.length);
    }

    /**
     * Number of elements of a shape; every dimension must be non-negative.
     *
     * @param shape the dimensions; an empty shape (a scalar) holds 1 element
     * @return the product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative (dynamic)
     * @throws ArithmeticException      if the product overflows a {@code long}
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension ("
                        + d + "): " + (d == -1 ? "an open (dynamic) one, " : "") + "a tensor's shape is fixed");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * {@return the element type of the array held: FLOAT32, INT64 or INT32 (FLOAT16 model tensors are held as
     * FLOAT32)}
     */
    public ElementType type() {
        return type;
    }

    /** {@return the dimensions (a copy)} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of elements: the product of the dimensions} */
    public long elementCount() {
        return elementCount(shape);
    }

    /**
     * {@return the float32 data (shared, not copied)}
     *
     * @throws IllegalStateException if the tensor is not FLOAT32
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + type + ", not FLOAT32");
        }
        return floats;
    }

    /**
     * {@return the int64 data (shared, not copied)}
     *
     * @throws IllegalStateException if the tensor is not INT64
     */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT64");
        }
        return longs;
    }

    /**
     * {@return the int32 data (shared, not copied)}
     *
     * @throws IllegalStateException if the tensor is not INT32
     */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT32");
        }
        return ints;
    }

    /** {@return the type and shape, e.g. {@code FLOAT32[1, 3, 48, 192]}} */
    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
