package dev.trt4j.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Activation ranges computed by one of trt4j's calibrators: tensor name → amax, in network order, with the
 * SHA-256 of the file they came from (recorded in the engine sidecar) and a description for messages.
 */
public record AmaxTable(Map<String, Float> amax, String sha256, String source) {
    public AmaxTable {
        amax = Collections.unmodifiableMap(new LinkedHashMap<>(amax));
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(source, "source");
    }
}
