package dev.trt4j.tensor;

/** Element types of the model tensors trt4j feeds and reads (inputs and outputs). */
public enum ElementType {
    /** 32-bit IEEE 754 float; held in a {@link HostTensor} as {@code float[]}. */
    FLOAT32(4),
    /** 16-bit IEEE 754 half-precision float; fed from, and read back as, FLOAT32 host data. */
    FLOAT16(2),
    /** 64-bit signed integer; held as {@code long[]}. */
    INT64(8),
    /** 32-bit signed integer; held as {@code int[]}. */
    INT32(4),
    /** 8-bit signed integer; fed from INT32 or INT64 data in range, and read back as INT32. */
    INT8(1),
    /** 8-bit unsigned integer; fed from INT32 or INT64 data in range, and read back as INT32. */
    UINT8(1),
    /** Boolean, one byte each; fed from INT32 or INT64 data of 0 and 1, and read back as INT32 0/1. */
    BOOL(1);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** {@return the size of one element in bytes, as the model's tensor stores it} */
    public int bytes() {
        return bytes;
    }
}
