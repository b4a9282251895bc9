package dev.trt4j.table;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads TensorRT calibration cache text leniently (CRLF, blank lines, short hex) but names the line of any error. */
final class CalibrationCacheParser {
    /** Unicode-aware, as the cache's own check is: a no-break space is a space in the algorithm too. */
    private static final Pattern HEADER = Pattern.compile("(?U)TRT-(\\d{1,9})-(\\S+)");
    private static final String SEPARATOR = ": ";

    private CalibrationCacheParser() {
    }

    static TensorRtCalibrationCache parse(String text, String source) {
        // the byte-order mark some Windows editors write is not part of the header
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\n", -1);
        Integer version = null;
        String algorithm = null;
        Map<String, Integer> bits = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            if (version == null) {
                Matcher m = HEADER.matcher(line.strip());
                if (!m.matches()) {
                    throw error(source, lineNo, "expected a header like TRT-101501-EntropyCalibration2, found '"
                            + abbreviate(line) + "'; is this a TensorRT calibration cache?");
                }
                version = Integer.parseInt(m.group(1));
                algorithm = m.group(2);
                continue;
            }
            // TensorRT names may hold ": " themselves ("input_1:0", "(Unnamed Layer* 64) [Shuffle]_output");
            // the value never does, so the last separator is the real one.
            int at = line.lastIndexOf(SEPARATOR);
            if (at <= 0) {
                throw error(source, lineNo, "expected '<tensor name>: <hex scale>', found '" + abbreviate(line) + "'");
            }
            String name = line.substring(0, at);
            if (name.indexOf('\r') >= 0) {
                // a line ending of its own inside a name: no cache TensorRT writes holds one, and none could be written
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "': a carriage return in "
                        + "the name");
            }
            String hex = line.substring(at + SEPARATOR.length()).strip();
            int scaleBits;
            try {
                scaleBits = FloatBits.parseBits(hex);
            } catch (IllegalArgumentException e) {
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "': scale " + e.getMessage());
            }
            if (i == lines.length - 1 && hex.length() < 8 && scaleBits != 0) {
                // TensorRT ends every line; a short non-zero value without one (a scale below 1e-28 that no real
                // range has) is a file cut off inside its last value, not a tiny scale
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "': the file ends inside "
                        + "its scale ('" + hex + "', " + hex.length() + " hex digits and no line end); is it cut off?");
            }
            if (scaleBits < 0 || scaleBits > TensorRtCalibrationCache.INFINITE_SCALE) {
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "': scale " + hex + " is "
                        + Float.intBitsToFloat(scaleBits) + "; expected a scale >= 0");
            }
            if (scaleBits != TensorRtCalibrationCache.INFINITE_SCALE
                    && TensorRtCalibrationCache.amaxOf(Float.intBitsToFloat(scaleBits)) == Float.POSITIVE_INFINITY) {
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "': scale " + Float.intBitsToFloat(scaleBits)
                        + " (bits " + hex + ") gives an amax of scale × 127 beyond float32");
            }
            Integer earlier = firstLine.putIfAbsent(name, lineNo);
            if (earlier != null) {
                throw error(source, lineNo, "tensor '" + ControlCharacters.escape(name) + "' appears again (first on line " + earlier + ")");
            }
            bits.put(name, scaleBits);
        }
        if (version == null) {
            throw new Trt4jException(source + ": is empty; expected a TensorRT calibration cache starting with a "
                    + "header like TRT-101501-EntropyCalibration2");
        }
        try {
            return new TensorRtCalibrationCache(version, algorithm, bits);
        } catch (IllegalArgumentException e) {
            throw new Trt4jException(source + ": " + e.getMessage(), e); // the header, checked as the cache checks it
        }
    }

    private static Trt4jException error(String source, int line, String problem) {
        return new Trt4jException(source + ":" + line + ": " + problem);
    }

    /** The line as a one-line message can show it: control characters (NULs of a binary file) escaped, cut at 60. */
    private static String abbreviate(String line) {
        String shown = ControlCharacters.escape(line);
        return shown.length() <= 60 ? shown : shown.substring(0, 57) + "...";
    }
}
