package dev.trt4j.table;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The previous implementation of {@link ShortestDecimal}, kept as a test oracle: a search over BigDecimal
 * roundings, slow (about 1.3 µs per value) but independent of the library the product now uses.
 * <p>The shortest decimal text that reads back as the same float32. Java 17's {@link Float#toString(float)}
 * round-trips but is not always shortest (JDK-4511638, fixed in Java 19), which matters wherever amax values
 * are shown to people or compared as text.
 *
 * <p>Format, as in Java's own: plain notation ({@code 254.87549}, {@code 1.0}, {@code 0.0078125}) for
 * magnitudes in [10<sup>-3</sup>, 10<sup>7</sup>), otherwise scientific with an upper-case {@code E}
 * ({@code 1.0E-5}, {@code 3.4028235E38}). Both are valid JSON numbers and {@link Float#parseFloat(String)}
 * input. Because the text always shows at least two digits ({@code 1.0}), a one-digit answer is never preferred
 * over a nearer two-digit one ({@link Float#MIN_VALUE} gives {@code 1.4E-45}, not {@code 1.0E-45}), which is
 * also the rule of Java 19+. Thread-safe.
 */
final class ShortestDecimalOracle {
    private static final BigDecimal PLAIN_LOW = new BigDecimal("0.001");
    private static final BigDecimal PLAIN_HIGH = new BigDecimal("10000000");
    /** Nine significant digits always identify a float32. */
    private static final int MAX_DIGITS = 9;
    /** The text shows at least two digits ({@code 1.0}), so shorter candidates are not considered. */
    private static final int MIN_DIGITS = 2;

    private ShortestDecimalOracle() {
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
        if (!Float.isFinite(value)) {
            return Float.toString(value);
        }
        if (value == 0f) {
            return Float.floatToRawIntBits(value) == 0 ? "0.0" : "-0.0";
        }
        return render(shortest(value));
    }

    /** The shortest round-tripping decimal (at least two digits before stripping trailing zeros). */
    static BigDecimal shortest(float value) {
        BigDecimal exact = new BigDecimal(value); // float -> double widening and BigDecimal(double) are exact
        // If some decimal of n digits reads back, so does one of n + 1 digits: the lengths that work are all
        // lengths from the shortest up. Float.toString reads back, so search down from its length.
        int digits = Math.max(MIN_DIGITS, new BigDecimal(Float.toString(value)).stripTrailingZeros().precision());
        BigDecimal best = nearestReadingBack(exact, digits, value);
        while (best == null && digits < MAX_DIGITS) {
            best = nearestReadingBack(exact, ++digits, value); // not expected: Float.toString reads back
        }
        for (int d = digits - 1; d >= MIN_DIGITS; d--) {
            BigDecimal shorter = nearestReadingBack(exact, d, value);
            if (shorter == null) {
                break;
            }
            best = shorter;
        }
        if (best == null) {
            throw new AssertionError("no decimal of " + MAX_DIGITS + " digits reads back as " + value);
        }
        return best.stripTrailingZeros();
    }

    /** Among the decimals of {@code digits} significant digits that read back as value, the nearest; or null. */
    private static BigDecimal nearestReadingBack(BigDecimal exact, int digits, float value) {
        BigDecimal nearest = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        if (readsBackAs(nearest, value)) {
            return nearest;
        }
        // The decimals that read back form an interval around the value, lopsided at powers of two; if the
        // nearest one on one side misses it, the nearest one on the other side may still hit it.
        RoundingMode otherSide = nearest.compareTo(exact) > 0 ? RoundingMode.FLOOR : RoundingMode.CEILING;
        BigDecimal other = exact.round(new MathContext(digits, otherSide));
        return readsBackAs(other, value) ? other : null;
    }

    private static boolean readsBackAs(BigDecimal candidate, float value) {
        return Float.floatToRawIntBits(Float.parseFloat(candidate.toString())) == Float.floatToRawIntBits(value);
    }

    private static String render(BigDecimal d) {
        BigDecimal magnitude = d.abs();
        if (magnitude.compareTo(PLAIN_LOW) >= 0 && magnitude.compareTo(PLAIN_HIGH) < 0) {
            String plain = d.toPlainString();
            return plain.indexOf('.') < 0 ? plain + ".0" : plain;
        }
        // unscaled digits u and scale s: d = u * 10^-s; scientific exponent = (number of digits - 1) - s
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits + ".0" : digits.charAt(0) + "." + digits.substring(1);
        return (d.signum() < 0 ? "-" : "") + mantissa + "E" + exponent;
    }
}
