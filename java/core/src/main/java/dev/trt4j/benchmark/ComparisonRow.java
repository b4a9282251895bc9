package dev.trt4j.benchmark;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of a speedup table: a model and the file to time for each column, parsed from
 * {@code [model=NAME,]fp32=FILE,LABEL=FILE...} ({@code trt4j bench --compare}). Column labels are free
 * ({@code fp16}, {@code int8}, {@code dynamic-int8}, …), so models of the same precision quantized in different ways
 * can sit side by side; {@code fp32} is the baseline.
 *
 * @param model the row's name
 * @param files column label → model or engine file, in the order given
 */
public record ComparisonRow(String model, Map<String, Path> files) {
    /** The precision every other one is compared with. */
    public static final String BASELINE = "fp32";
    /** Labels become column titles and file-name parts: letters, digits and {@code _ . + -}. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");

    public ComparisonRow {
        Objects.requireNonNull(model, "model");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /**
     * Parses one {@code --compare} value. Without {@code model=}, the row is named after the baseline file, less
     * its extension and a trailing {@code .fp32}/{@code -fp32}/{@code _fp32}.
     *
     * @throws Trt4jException naming the entry that is not {@code LABEL=FILE}, a label with other characters than
     *                        letters, digits and {@code _ . + -}, a repeated label, or a missing fp32
     */
    public static ComparisonRow parse(String spec) {
        String model = null;
        Map<String, Path> files = new LinkedHashMap<>();
        for (String entry : spec.split(",", -1)) {
            String e = entry.strip();
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new InvalidOptionException("--compare '" + spec + "': '" + e + "' is not LABEL=FILE (e.g. "
                        + "fp32=cls.onnx,int8=cls.int8.onnx)");
            }
            String label = e.substring(0, eq).strip();
            String value = e.substring(eq + 1).strip();
            if (label.equals("model")) {
                model = value;
            } else if (!LABEL.matcher(label).matches()) {
                throw new InvalidOptionException("--compare '" + spec + "': column label '" + label + "' may only hold "
                        + "letters, digits and _ . + - (e.g. dynamic-int8)");
            } else if (files.put(label, Path.of(value)) != null) {
                throw new InvalidOptionException("--compare '" + spec + "': precision '" + label + "' is given twice");
            }
        }
        if (!files.containsKey(BASELINE)) {
            throw new InvalidOptionException("--compare '" + spec + "': needs an " + BASELINE + "=FILE entry, the "
                    + "baseline every other precision is compared with");
        }
        return new ComparisonRow(model != null ? model : nameOf(files.get(BASELINE)), files);
    }

    private static String nameOf(Path file) {
        String n = file.getFileName().toString().replaceFirst("\\.(onnx|engine|plan)$", "");
        return n.replaceFirst("[._-]fp32$", "");
    }
}
