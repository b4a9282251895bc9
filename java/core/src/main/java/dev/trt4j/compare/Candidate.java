package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.Objects;

/**
 * A model to judge against the FP32 reference, held in memory as a protobuf, not as its bytes: a Q/DQ copy of a
 * model shares the weights it leaves unchanged with that model, and a model past 2 GiB has no bytes (protobuf cannot
 * serialize it); ONNX Runtime gets it through {@link dev.trt4j.ort.OrtModelRunner#open(ModelProto, String,
 * dev.trt4j.ort.OrtRunnerOptions)}.
 *
 * @param name  what it is, e.g. {@code entropy} or {@code skip 3 layers}; names its results
 * @param model the ONNX model
 */
public record Candidate(String name, ModelProto model) {
    public Candidate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
    }
}
