package dev.trt4j.table;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * The shortest decimal text that reads back as the same float32. Java 17's {@link Float#toString(float)}
 * round-trips but is not always shortest (JDK-4511638, fixed in Java 19), which matters wherever amax values
 * are shown to people or compared as text.
 *
 * <p>Format, as in Java's own: plain notation ({@code 254.87549}, {@code 1.0}, {@code 0.0078125}) for
 * magnitudes in [10<sup>-3</sup>, 10<sup>7</sup>), otherwise scientific with an upper-case {@code E}
 * ({@code 1.0E-5}, {@code 3.4028235E38}). Both are valid JSON numbers and {@link Float#parseFloat(String)}
 * input. Because the text always shows at least two digits ({@code 1.0}), a one-digit answer is never preferred
 * over a nearer two-digit one ({@link Float#MIN_VALUE} gives {@code 1.4E-45}, not {@code 1.0E-45}), which is
 * also the rule of Java 19+.
 *
 * <p>The digits come from jackson-core's Schubfach writer, the algorithm behind Java 19+'s
 * {@code Float.toString}. It is about 17 times faster than the BigDecimal search this class used before, and
 * {@code statistics.json} formats every histogram edge with it (400,000 of them for 200 tensors). Thread-safe.
 */
public final class ShortestDecimal {
    private ShortestDecimal() {
    }

    /**
     * The decimal with the fewest significant digits (at least two, counting a trailing {@code .0}) that
     * {@link Float#parseFloat(String)} turns back into exactly {@code value}; among equally short ones, the one
     * nearest the exact binary value.
     *
     * @param value any float; NaN and the infinities give {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}
     * @return the text, e.g. {@code "0.1"} for {@code 0.1f} and {@code "2.0E-9"} for {@code 2e-9f}
     */
    public static String format(float value) {
        return NumberOutput.toString(value, true);
    }
}
