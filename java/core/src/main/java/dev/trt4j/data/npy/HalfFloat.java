package dev.trt4j.data.npy;

/** IEEE 754 half precision (numpy's float16) to float, for Java 17, which lacks {@code Float.float16ToFloat}. */
final class HalfFloat {
    private HalfFloat() {
    }

    /** The float with the value of the half-precision bits {@code bits}; every half value is exact in a float. */
    static float toFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN, payload kept
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) { // zero or subnormal: mantissa · 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
