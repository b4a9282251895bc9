package dev.trt4j.calibration;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A calibration method with its options, as users name it: {@code max}, {@code entropy}, {@code mse},
 * {@code percentile} (default 99.99) or {@code percentile=99.9}, or the name of any {@link Calibrator} on the
 * class path.
 *
 * @param label      file-name-safe label, e.g. {@code percentile-99.9}
 * @param calibrator the method
 * @param options    the options it runs with
 */
public record MethodSpec(String label, Calibrator calibrator, CalibrationOptions options) {
    /** How {@link #label} writes a percentile: {@code percentile-99.9}. */
    private static final String PERCENTILE_LABEL = "percentile-";
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** Digits, one comma, digits: a percentile written with a decimal comma ({@code 99,9}). */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[0-9]+,[0-9]+");
    /**
     * A percentile with whole digits, as a list split at a decimal comma leaves it: {@code percentile=99} or the
     * label form {@code percentile-99}.
     */
    private static final Pattern WHOLE_PERCENTILE = Pattern.compile("percentile(\\s*=\\s*|-)[0-9]+");

    /**
     * Parses {@code name[=percentile]} with {@code base} options; a percentile's {@link #label} ({@code percentile-99.9},
     * as reports print it) reads as {@code percentile=99.9}.
     *
     * @throws InvalidOptionException on an unknown method or a malformed percentile
     */
    public static MethodSpec parse(String text, CalibrationOptions base) {
        return parse(null, text, base);
    }

    /**
     * As {@link #parse(String, CalibrationOptions)}, naming the command-line option that gave {@code text} in its
     * errors ({@code --weight-method percentile=101: ...}), where a command takes methods in more than one option.
     *
     * @param option the option as typed, or null to say "method"
     */
    public static MethodSpec parse(String option, String text, CalibrationOptions base) {
        String where = option == null ? "method '" + text + "'" : option + " " + text;
        String spec = text.trim().toLowerCase(Locale.ROOT);
        String name = spec;
        String argument = null;
        int eq = spec.indexOf('=');
        if (eq >= 0) {
            name = spec.substring(0, eq).trim();
            argument = spec.substring(eq + 1).trim();
        } else if (spec.startsWith(PERCENTILE_LABEL) && DECIMAL.matcher(spec.substring(PERCENTILE_LABEL.length()))
                .matches()) {
            // the label trt4j prints ("Best: percentile-99.999") names the method it labels
            name = "percentile";
            argument = spec.substring(PERCENTILE_LABEL.length());
        } else if (spec.startsWith(PERCENTILE_LABEL)
                && DECIMAL_COMMA.matcher(spec.substring(PERCENTILE_LABEL.length())).matches()) {
            // the label form with a decimal comma, whole in an option of one method (--weight-method percentile-99,9)
            throw new InvalidOptionException(where + ": '" + spec.substring(PERCENTILE_LABEL.length())
                    + "' is not a number; " + decimalPoint(spec));
        }
        Calibrator calibrator;
        try {
            calibrator = Calibrators.byName(name);
        } catch (CalibrationException e) {
            throw new InvalidOptionException(where + ": " + e.getMessage(), e);
        }
        CalibrationOptions options = base;
        if (argument != null) {
            if (!name.equals("percentile")) {
                throw new InvalidOptionException(where + ": only percentile takes a value "
                        + "(percentile=99.9)");
            }
            // decimal only: Java's parser also takes 99.9f, 99.9d and hex such as 0x1p6 (= 64)
            if (!DECIMAL.matcher(argument).matches()) {
                // an option taking one method (--weight-method) has no list to split, so 99,9 arrives here whole
                String hint = DECIMAL_COMMA.matcher(argument).matches()
                        ? "; " + decimalPoint("percentile=" + argument) : "";
                throw new InvalidOptionException(where + ": '" + argument + "' is not a number" + hint);
            }
            double p = Double.parseDouble(argument);
            try {
                options = base.withPercentile(p);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException(where + ": " + e.getMessage());
            }
        }
        return new MethodSpec(label(name, options), calibrator, options);
    }

    /**
     * The label of method {@code name} with {@code options}: the name, and for percentile its value too
     * ({@code percentile-99.9}), so that two percentiles never share a label.
     */
    public static String label(String name, CalibrationOptions options) {
        return name.equals("percentile") ? PERCENTILE_LABEL + trim(options.percentile()) : name;
    }

    /**
     * Parses the methods of {@code values} as {@code option} was given them, each value one method or several
     * separated by commas ({@code max,entropy}). Two that come to the same label (e.g. {@code max,max} or
     * {@code percentile,percentile=99.99}) are refused: they would compute and write the same ranges twice. A
     * decimal comma within one value ({@code percentile=99,9}, {@code percentile-99,9}) is named as such.
     *
     * @throws InvalidOptionException on a bad method or a repeated one
     */
    public static List<MethodSpec> parseAll(String option, List<String> values, CalibrationOptions base) {
        Map<String, String> textByLabel = new HashMap<>();
        List<MethodSpec> specs = new ArrayList<>();
        for (String value : values) {
            refuseDecimalComma(option, value);
            for (String text : value.split(",", -1)) {
                MethodSpec spec = parse(option, text, base);
                String earlier = textByLabel.putIfAbsent(spec.label(), text);
                if (earlier != null) {
                    throw new InvalidOptionException(option + " gives " + spec.label() + " twice"
                            + (earlier.equals(text) ? ""
                            : " ('" + earlier + "' and '" + text + "')") + "; give each method once");
                }
                specs.add(spec);
            }
        }
        return specs;
    }

    /**
     * Refuses {@code value}, one method or a comma list of them as {@code option} was given it, where a percentile in
     * it is written with a decimal comma ({@code percentile=99,9} or the label form {@code percentile-99,9}, as German
     * or French write it): split as a list, it would be percentile=99 and an unknown method '9'. A command that takes
     * one method calls this before refusing a list, so the user who gave one method is not told to give one.
     *
     * @throws InvalidOptionException naming the percentile as typed and with a decimal point
     */
    public static void refuseDecimalComma(String option, String value) {
        String[] texts = value.split(",", -1);
        for (int i = 1; i < texts.length; i++) {
            String percentile = texts[i - 1].strip();
            String digits = texts[i].strip();
            if (digits.matches("[0-9]+") && WHOLE_PERCENTILE.matcher(percentile.toLowerCase(Locale.ROOT)).matches()) {
                throw new InvalidOptionException(option + " " + percentile + "," + digits
                        + ": methods are separated by commas; " + decimalPoint(percentile + "," + digits));
            }
        }
    }

    /** {@code "write the percentile with a decimal point (percentile=99.9)"} for {@code percentile=99,9}. */
    private static String decimalPoint(String typed) {
        return "write the percentile with a decimal point (" + typed.replace(',', '.') + ")";
    }

    /** Plain decimal digits, never Java's exponent form ({@code 1.0E-5}), which would read oddly in a file name. */
    private static String trim(double p) {
        return new BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
    }

    /** The method's name, e.g. {@code percentile}. */
    public String name() {
        return calibrator.name();
    }
}
