package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import picocli.CommandLine.TypeConversionException;

import java.util.regex.Pattern;

/**
 * Reads a number option ({@code --percentile 99.9}) as picocli does, and names a decimal comma ({@code 99,9}, as
 * German or French write it) with the value to type instead: picocli said only "'99,9' is not a double".
 */
public final class DecimalValue {
    /** Digits, one comma, digits: a decimal comma, not a list (list options split on commas before this). */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?[0-9]*,[0-9]+");

    private DecimalValue() {
    }

    /**
     * {@code value} as a double, read as picocli's own converter reads it ({@link Double#valueOf(String)}).
     *
     * @throws TypeConversionException {@code 'VALUE' is not a number}, with the hint of {@link #decimalPointHint}
     */
    static Double parse(String value) {
        try {
            return Double.valueOf(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + ControlCharacters.escape(value) + "' is not a number"
                    + decimalPointHint(value));
        }
    }

    /** Whether {@code value} is a number written with a decimal comma ({@code 99,9}). */
    static boolean isDecimalComma(String value) {
        return DECIMAL_COMMA.matcher(value.strip()).matches();
    }

    /**
     * {@code "; write it with a decimal point (99.9)"} for a value written with a decimal comma ({@code 99,9}), else
     * an empty string.
     */
    public static String decimalPointHint(String value) {
        return isDecimalComma(value) ? "; write it with a decimal point (" + value.strip().replace(',', '.') + ")" : "";
    }
}
