package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses shape lists in trtexec's syntax: {@code name:1x3x224x224,name2:1x128}. A name may contain colons
 * (the last colon separates the shape) or be quoted with single quotes; {@code scalar} is a 0-D shape. An upper-case
 * {@code X} separates dimensions too.
 */
public final class ShapeSpecParser {
    private ShapeSpecParser() {
    }

    /**
     * Parses one option value.
     *
     * @param option the option it came from, for error messages (e.g. {@code --opt-shapes})
     * @return input name → shape, in the order written
     * @throws Trt4jException naming the option and the offending entry
     */
    public static Map<String, long[]> parse(String option, String spec) {
        return parse(option, spec, 0);
    }

    /**
     * Parses one option value whose shapes are the sizes of real data, so every dimension is at least 1 (an
     * engine's shapes may hold a 0 for an empty tensor; a sample cannot).
     *
     * @param option the option it came from, for error messages (e.g. {@code --shapes})
     * @return input name → shape, in the order written
     * @throws Trt4jException naming the option and the offending entry
     */
    public static Map<String, long[]> parseSizes(String option, String spec) {
        return parse(option, spec, 1);
    }

    private static Map<String, long[]> parse(String option, String spec, int smallest) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            throw new InvalidOptionException(option + ": empty shape list; expected e.g. x:1x3x224x224");
        }
        for (String entry : spec.split(",", -1)) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new InvalidOptionException(option + ": '" + e + "' is not NAME:DIMS (e.g. x:1x3x224x224)");
            }
            String name = unquote(e.substring(0, colon).trim());
            long[] dims = parseDims(option, e, e.substring(colon + 1).trim(), smallest);
            if (shapes.put(name, dims) != null) {
                throw new InvalidOptionException(option + ": input '" + name + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(shapes);
    }

    /** Formats a shape as trtexec does: {@code 1x3x224x224}, or {@code scalar}. */
    public static String format(long[] dims) {
        if (dims.length == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }

    private static String unquote(String name) {
        if (name.length() >= 2 && name.startsWith("'") && name.endsWith("'")) {
            return name.substring(1, name.length() - 1);
        }
        return name;
    }

    private static long[] parseDims(String option, String entry, String text, int smallest) {
        if (text.equals("scalar")) {
            return new long[0];
        }
        String[] parts = text.split("[xX]", -1);
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            try {
                dims[i] = Long.parseLong(part);
            } catch (NumberFormatException ex) {
                dims[i] = -1;
            }
            if (dims[i] < smallest) {
                throw new InvalidOptionException(option + ": '" + entry + "': dimension '" + part + "' is not a "
                        + (smallest > 0 ? "positive integer (data has at least 1 of each dimension)"
                        : "non-negative integer (shapes must be concrete)"));
            }
        }
        return dims;
    }
}
