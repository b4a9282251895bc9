package dev.trt4j.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.table.JsonDocument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A table of measured values as the quantization literature prints them, e.g. rows = models, columns = FP32 and
 * each calibration method, cells = the task metric. Renders as Markdown and as JSON (and reads back from it).
 * Cells may be empty (null); an infinite value (an SNR of identical outputs) is the JSON string {@code "Infinity"}.
 *
 * @param title       one line saying what the table shows
 * @param rowHeader   the header of the label column, e.g. {@code model}
 * @param columns     the headers of the value columns
 * @param rows        the rows, each with one value (or null) per column
 * @param oneQuantity whether every column holds the same quantity, so that a row is read across (FP32's score next
 *                    to each method's); a row's values then get the decimals that tell them apart, where otherwise
 *                    only a column's do. Not in the JSON: whoever reads a table back knows which table it is.
 */
public record ResultTable(String title, String rowHeader, List<String> columns, List<Row> rows, boolean oneQuantity) {
    /** The end of a header whose column holds decibels, e.g. {@code SNR dB}. */
    private static final String DECIBELS = "dB";

    /**
     * One row.
     *
     * @param label  the row's label
     * @param values one per column; null for an empty cell
     */
    public record Row(String label, List<Double> values) {
        public Row {
            Objects.requireNonNull(label, "label");
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** The value in column {@code i}, or null. */
        public Double value(int i) {
            return values.get(i);
        }
    }

    /**
     * Copies the lists.
     *
     * @param title one line saying what the table shows
     * @param rowHeader the header of the label column, e.g. {@code model}
     * @param columns the headers of the value columns
     * @param rows the rows, each with one value (or null) per column
     * @param oneQuantity whether every column holds the same quantity, so that a row is read across
     * @throws IllegalArgumentException if a row has more or fewer values than there are columns
     */
    public ResultTable {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(rowHeader, "rowHeader");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        for (Row r : rows) {
            if (r.values().size() != columns.size()) {
                throw new IllegalArgumentException("row '" + r.label() + "' has " + r.values().size()
                        + " values for " + columns.size() + " columns");
            }
        }
    }

    /**
     * A table whose columns are different quantities (a metric, its drop, a cosine, an SNR): each column gets the
     * decimals that tell its own values apart, whatever its neighbours in a row need.
     *
     * @throws IllegalArgumentException if a row has more or fewer values than there are columns
     */
    public ResultTable(String title, String rowHeader, List<String> columns, List<Row> rows) {
        this(title, rowHeader, columns, rows, false);
    }

    /** This table, read across its rows: its columns hold one quantity (see {@link #oneQuantity}). */
    public ResultTable asOneQuantity() {
        return new ResultTable(title, rowHeader, columns, rows, true);
    }

    /** The index of the column called {@code name}, or -1. */
    public int column(String name) {
        return columns.indexOf(name);
    }

    /** A Markdown table (GitHub flavour) with a bold title line above it. */
    public String toMarkdown() {
        StringBuilder s = new StringBuilder("**").append(escape(title)).append("**\n\n");
        s.append("| ").append(escape(rowHeader));
        columns.forEach(c -> s.append(" | ").append(escape(c)));
        s.append(" |\n|---");
        columns.forEach(c -> s.append("|---:"));
        s.append("|\n");
        List<List<String>> texts = cellTexts();
        for (int r = 0; r < rows.size(); r++) {
            s.append("| ").append(escape(rows.get(r).label()));
            texts.get(r).forEach(text -> s.append(" | ").append(text));
            s.append(" |\n");
        }
        return s.toString();
    }

    /**
     * Every row's cells as text, as {@link #toMarkdown} and the HTML report print them. A value below 10 in size gets
     * four decimals, a larger one one decimal; a column whose header ends in {@code dB} holds decibels and gets one
     * decimal whatever the size, as the tables in docs/ print SNR (by size alone an SNR of 3.67 dB would get four
     * next to 22.4 dB in the same column). A column gets more decimals where two different values it holds would
     * read alike, and in a table of {@link #oneQuantity one quantity} where two values of a row would
     * ({@link TableDecimals}): the JSON's 0.99990134 and 0.99992166 read 0.99990 and 0.99992, not 0.9999 twice; an
     * accuracy of 1.0 next to a cosine of 0.99998721 stays 1.0000. {@code ∞} for infinity, empty for null.
     */
    public List<List<String>> cellTexts() {
        boolean[] decibels = new boolean[columns.size()];
        for (int i = 0; i < decibels.length; i++) {
            decibels[i] = columns.get(i).endsWith(DECIBELS);
        }
        int[] extra = TableDecimals.extra(this, decibels, oneQuantity);
        List<List<String>> texts = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                Double v = r.value(i);
                cells.add(v == null || !Double.isFinite(v) ? format(v)
                        : TableDecimals.fixed(v, TableDecimals.base(v, decibels[i]) + extra[i]));
            }
            texts.add(List.copyOf(cells));
        }
        return List.copyOf(texts);
    }

    /**
     * A cell as text: four decimals for values below 10 in size (metrics, cosines), one decimal above (decibels),
     * {@code ∞} for infinity, empty for null.
     */
    public static String format(Double v) {
        if (v == null) {
            return "";
        }
        if (v.isInfinite()) {
            return v > 0 ? "∞" : "-∞";
        }
        if (v.isNaN()) {
            return "NaN";
        }
        return TableDecimals.fixed(v, TableDecimals.base(v, false));
    }

    /**
     * Values read together (the FP32 and the all-INT8 score of a title) as one column of a table shows them: as
     * {@link #format}, with as many more decimals, all alike, as tell different values apart (see
     * {@link #cellTexts}).
     */
    public static List<String> formatApart(List<Double> values) {
        return TableDecimals.format(values);
    }

    /**
     * A metric drop: as {@link #format}, but a small nonzero one in three significant digits, since at four
     * decimals a missed target of 0.00001 read "drop 0.0000", as if it had been reached.
     */
    public static String formatDrop(double drop) {
        return drop != 0 && Math.abs(drop) < 1e-3 ? String.format(Locale.ROOT, "%.3g", drop) : format(drop);
    }

    /** A value the user gave (a target drop), as given: 0.00001, not 0.0000 or 1.0E-5. */
    public static String formatGiven(double value) {
        return Double.isFinite(value) ? java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
                : String.valueOf(value);
    }

    /**
     * A cell's text as Markdown shows it in one cell: a pipe would end the cell, and a newline in a layer's or an
     * output's name (both come from the model) would end the row, an escape sequence would reach the terminal the
     * table is printed on.
     */
    private static String escape(String text) {
        return ControlCharacters.escape(text).replace("|", "\\|");
    }

    /** This table as a JSON object ({@link #oneQuantity} is not written). */
    public ObjectNode toJson() {
        ObjectNode node = JsonDocument.newObject();
        node.put("title", title);
        node.put("rowHeader", rowHeader);
        ArrayNode cols = node.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode rowsNode = node.putArray("rows");
        for (Row r : rows) {
            ObjectNode row = rowsNode.addObject();
            row.put("label", r.label());
            ArrayNode values = row.putArray("values");
            for (Double v : r.values()) {
                if (v == null) {
                    values.addNull();
                } else if (Double.isFinite(v)) {
                    values.add(v);
                } else {
                    values.add(v.toString());
                }
            }
        }
        return node;
    }

    /**
     * Reads a table written by {@link #toJson()}, as one of different quantities; {@link #asOneQuantity} makes it one
     * read across.
     *
     * @throws dev.trt4j.Trt4jException naming the document and the JSON path of a missing or ill-typed value
     */
    public static ResultTable fromJson(JsonDocument doc, JsonNode node, String path) {
        ObjectNode o = doc.object(node, path);
        List<String> columns = new ArrayList<>();
        ArrayNode cols = doc.array(o.get("columns"), path + ".columns");
        for (int i = 0; i < cols.size(); i++) {
            columns.add(doc.text(cols.get(i), path + ".columns[" + i + "]"));
        }
        List<Row> rows = new ArrayList<>();
        ArrayNode rowsNode = doc.array(o.get("rows"), path + ".rows");
        for (int i = 0; i < rowsNode.size(); i++) {
            String rowPath = path + ".rows[" + i + "]";
            ObjectNode row = doc.object(rowsNode.get(i), rowPath);
            ArrayNode values = doc.array(row.get("values"), rowPath + ".values");
            if (values.size() != columns.size()) {
                throw doc.error(rowPath + ".values", values.size() + " values for " + columns.size() + " columns");
            }
            List<Double> parsed = new ArrayList<>();
            for (int j = 0; j < values.size(); j++) {
                parsed.add(number(doc, values.get(j), rowPath + ".values[" + j + "]"));
            }
            rows.add(new Row(doc.text(row.get("label"), rowPath + ".label"), parsed));
        }
        return new ResultTable(doc.text(o.get("title"), path + ".title"),
                doc.text(o.get("rowHeader"), path + ".rowHeader"), columns, rows);
    }

    /** A number, null, or one of the strings {@code Infinity}, {@code -Infinity}, {@code NaN}. */
    static Double number(JsonDocument doc, JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        String text = v.isTextual() ? v.textValue() : "";
        return switch (text) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> throw doc.error(path, "is " + v + "; expected a number or null");
        };
    }
}
