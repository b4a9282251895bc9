package dev.trt4j.data.npy;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A C-order array as found in a {@code .npy} file: dtype, shape and the element bytes in little-endian
 * order. Immutable; conversions return new Java arrays.
 */
public final class NpyArray {
    private final NpyDtype dtype;
    private final long[] shape;
    private final byte[] data;

    /**
     * An array over {@code littleEndianData} (not copied).
     *
     * @throws IllegalArgumentException if the data length does not match the shape and dtype
     */
    public NpyArray(NpyDtype dtype, long[] shape, byte[] littleEndianData) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(littleEndianData, "data");
        long expected = Math.multiplyExact(HostTensor.elementCount(this.shape), (long) dtype.size());
        if (expected != data.length) {
            throw new IllegalArgumentException(dtype + ShapeText.of(shape) + " needs " + expected
                    + " bytes, got " + data.length);
        }
    }

    /** A float32 array holding a copy of {@code values}. */
    public static NpyArray ofFloats(long[] shape, float[] values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asFloatBuffer().put(values);
        return new NpyArray(NpyDtype.FLOAT32, shape, b.array());
    }

    /** A float64 array holding a copy of {@code values}. */
    public static NpyArray ofDoubles(long[] shape, double[] values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asDoubleBuffer().put(values);
        return new NpyArray(NpyDtype.FLOAT64, shape, b.array());
    }

    /** An int64 array holding a copy of {@code values}. */
    public static NpyArray ofLongs(long[] shape, long[] values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asLongBuffer().put(values);
        return new NpyArray(NpyDtype.INT64, shape, b.array());
    }

    /** An int32 array holding a copy of {@code values}. */
    public static NpyArray ofInts(long[] shape, int[] values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asIntBuffer().put(values);
        return new NpyArray(NpyDtype.INT32, shape, b.array());
    }

    /** A copy of a FLOAT32, INT64 or INT32 tensor as {@code <f4}, {@code <i8} or {@code <i4}. */
    public static NpyArray of(HostTensor tensor) {
        return switch (tensor.type()) {
            case FLOAT32 -> ofFloats(tensor.shape(), tensor.floats());
            case INT64 -> ofLongs(tensor.shape(), tensor.longs());
            case INT32 -> ofInts(tensor.shape(), tensor.ints());
            default -> throw new IllegalArgumentException("no host data for a " + tensor.type() + " tensor");
        };
    }

    private static ByteBuffer allocate(int count, int size) {
        return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The element type. */
    public NpyDtype dtype() {
        return dtype;
    }

    /** The shape, a copy. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int elementCount() {
        return data.length / dtype.size();
    }

    /** The element bytes, little-endian, as a read-only view. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Every element converted to float (float16 exactly; float64 and int64 may round).
     *
     * @throws IllegalArgumentException if a finite float64 value lies beyond float32's range: it would become an
     *                                  infinity, and be reported as one the file does not hold
     */
    public float[] toFloats() {
        ByteBuffer b = data();
        float[] out = new float[elementCount()];
        if (dtype == NpyDtype.FLOAT32) {
            b.asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case FLOAT16 -> Fp16Conversions.fp16ToFloat(b.getShort(i * 2)); // exact: every half is a float
                case FLOAT64 -> narrowed(b.getDouble(i * 8), i);
                case UINT64 -> unsignedToFloat(b.getLong(i * 8)); // every uint64 has a float32, int64 or not
                default -> (float) longAt(b, i);
            };
        }
        return out;
    }

    /** The float32 nearest to {@code bits} read as unsigned, rounded as a signed conversion rounds. */
    private static float unsignedToFloat(long bits) {
        if (bits >= 0) {
            return (float) bits;
        }
        // halve keeping the lowest bit as a sticky bit, so that the one rounding below is still to nearest
        return (float) ((bits >>> 1) | (bits & 1)) * 2f;
    }

    private float narrowed(double value, int index) {
        float f = (float) value;
        if (Float.isInfinite(f) && !Double.isInfinite(value)) {
            throw new IllegalArgumentException(dtype + " value " + value + " at index " + index + " is beyond "
                    + "float32's range (magnitudes up to " + Float.MAX_VALUE + ")");
        }
        return f;
    }

    /** Every element as a long; integer and bool arrays only. */
    public long[] toLongs() {
        requireIntegral();
        ByteBuffer b = data();
        long[] out = new long[elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = longAt(b, i);
        }
        return out;
    }

    /**
     * Every element as an int; integer and bool arrays only.
     *
     * @throws IllegalArgumentException if an int64 value does not fit 32 bits
     */
    public int[] toInts() {
        long[] longs = toLongs();
        int[] out = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            out[i] = (int) longs[i];
            if (out[i] != longs[i]) {
                throw new IllegalArgumentException(dtype + " value " + longs[i] + " at index " + i
                        + " does not fit int32");
            }
        }
        return out;
    }

    /**
     * The array as a tensor of its natural type: float16/float32 → FLOAT32, int64, uint32 and uint64 → INT64, other
     * integers and bool → INT32.
     *
     * @throws IllegalStateException for float64, whose narrowing to FLOAT32 must be asked for with
     *                               {@link #toTensor(ElementType)}
     */
    public HostTensor toTensor() {
        return switch (dtype) {
            case FLOAT16, FLOAT32 -> toTensor(ElementType.FLOAT32);
            case FLOAT64 -> throw new IllegalStateException(
                    "float64 array: ask for the narrowing with toTensor(ElementType.FLOAT32)");
            case INT64, UINT32, UINT64 -> toTensor(ElementType.INT64);
            default -> toTensor(ElementType.INT32);
        };
    }

    /**
     * The array converted to a tensor of {@code type}; see {@link NpyDtype#canFeed(ElementType)} for what
     * converts.
     *
     * @throws IllegalArgumentException if the dtype cannot feed {@code type} or an int64 value overflows INT32
     */
    public HostTensor toTensor(ElementType type) {
        if (!dtype.canFeed(type)) {
            throw new IllegalArgumentException(dtype + " data cannot feed a " + type + " tensor");
        }
        return switch (type) {
            case FLOAT32 -> HostTensor.ofFloats(shape, toFloats());
            case INT64 -> HostTensor.ofLongs(shape, toLongs());
            default -> HostTensor.ofInts(shape, toInts());
        };
    }

    private void requireIntegral() {
        if (dtype.isFloating()) {
            throw new IllegalStateException(dtype + " array has no integer values");
        }
    }

    private long longAt(ByteBuffer b, int i) {
        return switch (dtype) {
            case INT64 -> b.getLong(i * 8);
            case INT32 -> b.getInt(i * 4);
            case INT16 -> b.getShort(i * 2);
            case INT8 -> b.get(i);
            case UINT64 -> {
                long v = b.getLong(i * 8);
                if (v < 0) {
                    throw new IllegalArgumentException("uint64 value " + Long.toUnsignedString(v) + " at index " + i
                            + " does not fit int64");
                }
                yield v;
            }
            case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
            case UINT16 -> Short.toUnsignedLong(b.getShort(i * 2));
            case UINT8 -> Byte.toUnsignedLong(b.get(i));
            case BOOL -> b.get(i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(dtype + " is not integral");
        };
    }

    @Override
    public String toString() {
        return dtype + ShapeText.of(shape);
    }
}
