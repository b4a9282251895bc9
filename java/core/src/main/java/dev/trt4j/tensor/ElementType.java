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
    /** 8-bit signed integer; not fed as an input, and an inference session reads such outputs as INT32. */
    INT8(1),
    /** 8-bit unsigned integer; not fed as an input, and an inference session reads such outputs as INT32. */
    UINT8(1),
    /** Boolean, one byte each; not fed as an input, and an inference session reads such outputs as INT32 0/1. */
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
