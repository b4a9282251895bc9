package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TensorRT's calibration-cache text: a header {@code TRT-<version code>-<algorithm token>}, then one line
 * {@code <tensor>: <hex>} per tensor, the hex being the float32 bits of the scale {@code amax / 127}
 * (lowercase, no padding, {@code 0} for zero). Only what the engine bridge needs to hand trt4j's ranges to
 * TensorRT and to check a cache before TensorRT sees it.
 */
public final class CalibrationCacheText {
    private static final Pattern HEADER = Pattern.compile("TRT-(\\d+)-(\\S+)");

    /** A parsed cache: its header fields and the scale of each tensor, in file order. */
    public record Parsed(int versionCode, String algorithmToken, Map<String, Float> scales) {
        public Parsed {
            scales = Collections.unmodifiableMap(new LinkedHashMap<>(scales));
        }

        /** The header line as written, e.g. {@code TRT-101501-EntropyCalibration2}. */
        public String header() {
            return CalibrationCacheText.header(versionCode, algorithmToken);
        }
    }

    private CalibrationCacheText() {
    }

    /** The header line for a TensorRT version and algorithm. */
    public static String header(int versionCode, String algorithmToken) {
        return "TRT-" + versionCode + "-" + algorithmToken;
    }

    /**
     * Renders ranges as cache text.
     *
     * @param amax tensor name → amax (the clipping magnitude), in the order to write
     * @throws Trt4jException when an amax is negative, NaN or infinite (naming the tensor)
     */
    public static byte[] render(TensorRtVersion version, TrtCalibrationAlgorithm algorithm, Map<String, Float> amax) {
        StringBuilder sb = new StringBuilder(header(version.code(), algorithm.cacheToken())).append('\n');
        for (Map.Entry<String, Float> e : amax.entrySet()) {
            float a = e.getValue();
            if (!(a >= 0f) || Float.isInfinite(a)) {
                throw new Trt4jException("tensor '" + e.getKey() + "' has amax " + a + "; a range must be finite and >= 0");
            }
            sb.append(e.getKey()).append(": ").append(Integer.toHexString(Float.floatToRawIntBits(a / 127f)))
                    .append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses cache text. Names may contain spaces, brackets and colons (the value follows the last
     * {@code ": "}); CRLF line ends and blank lines are accepted.
     *
     * @param source names the cache in error messages
     * @throws Trt4jException when the header or a line is malformed
     */
    public static Parsed parse(String source, byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
        if (lines.length == 0) {
            throw new Trt4jException(source + ": empty calibration cache");
        }
        Matcher m = HEADER.matcher(lines[0].trim());
        if (!m.matches()) {
            throw new Trt4jException(source + ": not a TensorRT calibration cache (first line '" + abbreviate(lines[0])
                    + "', expected TRT-<version>-<algorithm>)");
        }
        int version;
        try {
            version = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new Trt4jException(source + ": calibration cache header '" + lines[0] + "' has a bad version");
        }
        Map<String, Float> scales = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int sep = line.lastIndexOf(": ");
            String hex = sep < 0 ? "" : line.substring(sep + 2).trim();
            if (sep <= 0 || hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new Trt4jException(source + ": line " + (i + 1) + " '" + abbreviate(line)
                        + "' is not '<tensor>: <hex scale>'");
            }
            scales.put(line.substring(0, sep), Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16)));
        }
        return new Parsed(version, m.group(2), scales);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
