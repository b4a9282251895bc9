package dev.trt4j.data;

import dev.trt4j.tensor.HostTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch of samples: a tensor for each model input, keyed by input name, all with the same first
 * (batch) dimension {@code size}.
 */
public record Batch(int size, Map<String, HostTensor> inputs) {
    public Batch {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
}
