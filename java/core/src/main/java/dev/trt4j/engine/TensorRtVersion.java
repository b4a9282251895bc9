package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.TensorRtCalibrationCache;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TensorRT library version. {@link #code()} is {@code NV_TENSORRT_VERSION} as TensorRT writes it into
 * calibration-cache headers: {@code major·10000 + minor·100 + patch} from TensorRT 10 on,
 * {@code major·1000 + minor·100 + patch} before.
 */
public record TensorRtVersion(int major, int minor, int patch) {
    private static final Pattern TEXT = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(?:\\.\\d+)?");

    /** @throws IllegalArgumentException if {@code major} is below 1 or a part is out of [0, 99] */
    public TensorRtVersion {
        if (major < 1 || minor < 0 || patch < 0 || minor > 99 || patch > 99) {
            throw new IllegalArgumentException("not a TensorRT version: " + major + "." + minor + "." + patch);
        }
    }

    /** The integer version code, e.g. 101501 for 10.15.1 and 8601 for 8.6.1. */
    public int code() {
        return TensorRtCalibrationCache.versionNumber(major, minor, patch);
    }

    /** Decodes a version code as returned by {@code getInferLibVersion()}. */
    public static TensorRtVersion fromCode(int code) {
        if (code >= 100000) {
            return new TensorRtVersion(code / 10000, code / 100 % 100, code % 100);
        }
        if (code >= 1000) {
            return new TensorRtVersion(code / 1000, code / 100 % 10, code % 100);
        }
        throw new IllegalArgumentException("not a TensorRT version code: " + code);
    }

    /** Parses {@code 10.15.1} (a fourth build component is ignored). */
    public static TensorRtVersion parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new Trt4jException("not a TensorRT version: '" + text + "' (expected e.g. 10.15.1)");
        }
        return new TensorRtVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
