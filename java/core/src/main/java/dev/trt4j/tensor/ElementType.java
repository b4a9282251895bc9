package dev.trt4j.tensor;

/** Element types of model inputs that trt4j feeds. */
public enum ElementType {
    FLOAT32(4), FLOAT16(2), INT64(8), INT32(4), INT8(1), UINT8(1), BOOL(1);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
