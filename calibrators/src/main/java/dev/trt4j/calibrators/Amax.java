package dev.trt4j.calibrators;

/** What a clipping magnitude (amax) must be wherever trt4j takes one: from a method, into a table or a cache. */
public final class Amax {
    private Amax() {
    }

    /**
     * Whether {@code amax} is finite and {@code >= 0}, and not {@code -0.0}: that passes {@code >= 0} but has the sign
     * bit, which a TensorRT cache's scale ({@code amax / 127} as float bits) must not have.
     */
    public static boolean isValid(float amax) {
        return amax >= 0f && amax < Float.POSITIVE_INFINITY && Float.floatToRawIntBits(amax) >= 0;
    }
}
