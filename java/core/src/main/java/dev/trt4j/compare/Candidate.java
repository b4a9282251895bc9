package dev.trt4j.compare;

import java.util.Objects;

/**
 * A model to judge against the FP32 reference, held in memory.
 *
 * @param name  what it is, e.g. {@code entropy} or {@code skip 3 layers}; names its results
 * @param model the serialized ONNX model
 */
public record Candidate(String name, byte[] model) {
    public Candidate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
    }
}
