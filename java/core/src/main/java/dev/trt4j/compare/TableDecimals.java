package dev.trt4j.compare;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * How many decimals each column of a {@link ResultTable} is printed with. A value below 10 in size starts at four
 * decimals, a larger one and a decibel at one; a column then gets more, all its cells alike, until the different
 * values it holds read differently. In a table whose columns hold one quantity (the methods table: FP32 and each
 * method's score in one row), a row is read across, so where two values of a row read alike every column gets the
 * decimals that tell them apart: at four decimals, on a model that quantized well, every method read 0.9999 and
 * "Best:" named one for no visible reason. Columns of different quantities are not read against each other: an
 * accuracy of 1.0 next to a cosine of 0.99998721 grew to 1.000000 while the title and the JSON said 1.0.
 *
 * <p>A column grows no further than to show 8 significant digits after the 9s that open a value (0.9999 then
 * 01340000), and never past 12 decimals: past those, two values differ only by the rounding of the sums that made
 * them (a cosine of identical outputs is 1.0 or 0.9999999999999998).
 */
final class TableDecimals {
    /** Decimals of a value below 10 in size: a metric, a cosine, a drop. */
    static final int SMALL = 4;
    /** Decimals of a value of 10 or more, and of a decibel whatever its size. */
    static final int LARGE = 1;
    private static final int SIGNIFICANT = 8;
    private static final int MAX_DECIMALS = 12;

    private TableDecimals() {
    }

    /**
     * The decimals each column shows beyond its cells' own ({@link #SMALL} or {@link #LARGE}).
     *
     * @param table       the table
     * @param decibels    for each column, whether it holds decibels (one decimal to start, whatever the size)
     * @param oneQuantity whether the columns hold one quantity, so that a row's values grow alike
     */
    static int[] extra(ResultTable table, boolean[] decibels, boolean oneQuantity) {
        int columns = table.columns().size();
        int[] extra = new int[columns];
        for (int c = 0; c < columns; c++) {
            TreeSet<Double> values = new TreeSet<>();
            for (ResultTable.Row r : table.rows()) {
                Double v = r.value(c);
                if (v != null && Double.isFinite(v)) {
                    values.add(v == 0 ? 0.0 : v); // -0.0 and 0.0 print alike and are one value
                }
            }
            // rounding keeps the order, so two values that neighbour no other apart read apart from every other
            Double previous = null;
            for (Double v : values) {
                if (previous != null) {
                    extra[c] = Math.max(extra[c], toTellApart(previous, v, decibels[c]));
                }
                previous = v;
            }
        }
        if (!oneQuantity) {
            return extra;
        }
        // a row's values are read side by side (FP32 and each method), so all the columns of their kind grow alike;
        // a decibel and a cosine are not read against each other
        int[] byRow = new int[2];
        for (ResultTable.Row r : table.rows()) {
            for (int i = 0; i < columns; i++) {
                for (int j = i + 1; j < columns; j++) {
                    Double a = r.value(i);
                    Double b = r.value(j);
                    if (decibels[i] == decibels[j] && a != null && b != null && Double.isFinite(a)
                            && Double.isFinite(b)) {
                        int kind = decibels[i] ? 1 : 0;
                        byRow[kind] = Math.max(byRow[kind], toTellApart(a, b, decibels[i]));
                    }
                }
            }
        }
        for (int c = 0; c < columns; c++) {
            extra[c] = Math.max(extra[c], byRow[decibels[c] ? 1 : 0]);
        }
        return extra;
    }

    /**
     * {@code values} as one column shows them: in as many decimals, all alike, as tell the different ones apart.
     */
    static List<String> format(List<Double> values) {
        ResultTable column = new ResultTable("", "", List.of("value"),
                values.stream().map(v -> new ResultTable.Row("", Collections.singletonList(v))).toList());
        int extra = extra(column, new boolean[] {false}, false)[0];
        List<String> texts = new ArrayList<>();
        for (Double v : values) {
            texts.add(v == null || !Double.isFinite(v) ? ResultTable.format(v) : fixed(v, base(v, false) + extra));
        }
        return texts;
    }

    /** The decimals a finite value starts at. */
    static int base(double v, boolean decibels) {
        return decibels || Math.abs(v) >= 10 ? LARGE : SMALL;
    }

    /** {@code v} with {@code decimals} decimals, rounded half up as {@link String#format} rounds. */
    static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * The decimals beyond their own that {@code a} and {@code b} need to read differently, or 0 where they read alike
     * within the cap (or differ not at all).
     */
    private static int toTellApart(double a, double b, boolean decibels) {
        if (a == b) {
            return 0;
        }
        int baseA = base(a, decibels);
        int baseB = base(b, decibels);
        int most = Math.max(cap(a) - baseA, cap(b) - baseB);
        for (int e = 0; e <= most; e++) {
            if (!fixed(a, baseA + e).equals(fixed(b, baseB + e))) {
                return e;
            }
        }
        return 0;
    }

    /**
     * The decimals that show {@code v}'s first 8 significant digits after the 9s that open it, at most 12: for
     * 0.99990134, 12; for 0.5, 8; for 42.31, 6; for 0, none.
     */
    private static int cap(double v) {
        if (v == 0) {
            return 0;
        }
        // the shortest decimal that reads back as v: its digits, not those of the binary fraction's expansion
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale(); // of the first significant digit: 0.9 → -1, 42.31 → 1
        int nines = 0;
        while (nines < digits.length() && digits.charAt(nines) == '9') {
            nines++;
        }
        return Math.min(MAX_DECIMALS, nines + SIGNIFICANT - 1 - exponent);
    }
}
