package dev.trt4j.data.npy;

import dev.trt4j.tensor.ElementType;

import java.util.Locale;

/** NumPy element types that trt4j reads and writes, named by their {@code descr} kind and size. */
public enum NpyDtype {
    /** {@code float16}. */
    FLOAT16('f', 2),
    /** {@code float32}. */
    FLOAT32('f', 4),
    /** {@code float64}. */
    FLOAT64('f', 8),
    /** {@code int64}. */
    INT64('i', 8),
    /** {@code int32}. */
    INT32('i', 4),
    /** {@code int16}. */
    INT16('i', 2),
    /** {@code int8}. */
    INT8('i', 1),
    /** {@code uint64}; values above the int64 range are refused on conversion. */
    UINT64('u', 8),
    /** {@code uint32}. */
    UINT32('u', 4),
    /** {@code uint16}. */
    UINT16('u', 2),
    /** {@code uint8}. */
    UINT8('u', 1),
    /** {@code bool}, one byte per element. */
    BOOL('b', 1);

    private final char kind;
    private final int size;

    NpyDtype(char kind, int size) {
        this.kind = kind;
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for float16, float32 and float64. */
    public boolean isFloating() {
        return kind == 'f';
    }

    /** The {@code descr} string numpy writes for this type in little-endian order, e.g. {@code <f4}, {@code |u1}. */
    public String littleEndianDescr() {
        return (size == 1 ? "|" : "<") + kind + size;
    }

    /** The dtype with this kind and size, or null when trt4j does not support it. */
    static NpyDtype of(char kind, int size) {
        for (NpyDtype t : values()) {
            if (t.kind == kind && t.size == size) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether data of this type can feed a model input of {@code type} without losing meaning: floats feed
     * FLOAT32 (float16 is widened, float64 narrowed), integers and bools feed INT64 and INT32 (int64 only where values fit,
     * checked on conversion) and BOOL (0 and 1 only, checked when the tensor is staged, so a mask saved as integers
     * feeds a bool input too).
     */
    public boolean canFeed(ElementType type) {
        return switch (type) {
            case FLOAT32 -> isFloating();
            case INT64, INT32, BOOL -> !isFloating();
            default -> false;
        };
    }

    /** Lower-case numpy name, e.g. {@code float32}, for messages. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
