package dev.trt4j.table;

import java.util.Locale;

/**
 * Float32 values as the hexadecimal text of their IEEE-754 bits, most significant digit first (the notation of
 * TensorRT calibration caches and of trt4j's JSON files). Thread-safe.
 */
public final class FloatBits {
    private FloatBits() {
    }

    /** The 8 lower-case hex digits of the raw bits, zero-padded: {@code 1.0f → "3f800000"}. */
    public static String hex8(float value) {
        return String.format(Locale.ROOT, "%08x", Float.floatToRawIntBits(value));
    }

    /** The raw bits in TensorRT's cache notation: lower-case hex without leading zeros ({@code 0.0f → "0"}). */
    public static String hexShort(float value) {
        return Integer.toHexString(Float.floatToRawIntBits(value));
    }

    /**
     * Parses 1 to 8 hex digits (either case, no sign or {@code 0x}) into raw float32 bits.
     *
     * @throws IllegalArgumentException if the text is anything else, with a message quoting it
     */
    public static int parseBits(String hex) {
        if (hex.isEmpty() || hex.length() > 8) {
            throw new IllegalArgumentException("'" + hex + "' is not 1 to 8 hexadecimal digits");
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            // ASCII only: Character.digit would also accept e.g. Arabic-Indic digits
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw new IllegalArgumentException("'" + hex + "' is not 1 to 8 hexadecimal digits");
            }
        }
        return Integer.parseUnsignedInt(hex, 16);
    }
}
