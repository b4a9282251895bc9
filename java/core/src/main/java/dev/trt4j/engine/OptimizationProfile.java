package dev.trt4j.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One TensorRT optimization profile: a shape range for each input it names, in the order given. Inputs with
 * fully static shapes may be left out.
 */
public record OptimizationProfile(Map<String, ShapeRange> inputs) {
    public OptimizationProfile {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /** The range of {@code input}, or null when this profile does not name it. */
    public ShapeRange rangeOf(String input) {
        return inputs.get(input);
    }
}
