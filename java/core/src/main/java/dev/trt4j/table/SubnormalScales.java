package dev.trt4j.table;

import dev.trt4j.ControlCharacters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranges so small that their INT8 scale {@code amax / 127} is below float32's smallest normal value: subnormal, which
 * TensorRT and SIMD kernels may flush to zero, or 0 outright when the division underflows. Every larger value
 * saturates at such a scale, so whatever writes one (a Q/DQ model, a TensorRT cache) names them in one warning.
 */
public final class SubnormalScales {
    private SubnormalScales() {
    }

    /** Whether {@code amax} is positive and its scale {@code amax / 127f} is below {@link Float#MIN_NORMAL}. */
    public static boolean isTiny(float amax) {
        return amax > 0f && TensorRtCalibrationCache.scaleOf(amax) < Float.MIN_NORMAL;
    }

    /** The entries of {@code amaxByTensor} that {@link #isTiny}, in its order. */
    public static Map<String, Float> of(Map<String, Float> amaxByTensor) {
        Map<String, Float> tiny = new LinkedHashMap<>();
        amaxByTensor.forEach((name, amax) -> {
            if (isTiny(amax)) {
                tiny.put(name, amax);
            }
        });
        return tiny;
    }

    /**
     * The warning for {@code tiny} (not empty), e.g. {@code 2 activation range(s) so small that the scale amax/127 is
     * subnormal (first: 'a' (1.0E-40)): every larger value saturates; calibrate again}.
     */
    public static String warning(Map<String, Float> tiny) {
        Map.Entry<String, Float> first = tiny.entrySet().iterator().next();
        boolean zero = tiny.values().stream().anyMatch(a -> TensorRtCalibrationCache.scaleOf(a) == 0f);
        return tiny.size() + " activation range(s) so small that the scale amax/127 is subnormal" + (zero
                ? " or underflows to 0" : "") + " (first: '" + ControlCharacters.escape(first.getKey()) + "' ("
                + first.getValue() + ")): "
                + "every larger value saturates; calibrate again";
    }
}
