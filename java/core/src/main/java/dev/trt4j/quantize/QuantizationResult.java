package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.io.AtomicFiles;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A quantized model and what was done to it.
 *
 * @param model  the Q/DQ model
 * @param report which nodes and tensors were quantized
 */
public record QuantizationResult(ModelProto model, QuantizationReport report) {
    public QuantizationResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(report, "report");
    }

    /** The serialized model; the same inputs always give the same bytes. */
    public byte[] toByteArray() {
        return model.toByteArray();
    }

    /** Writes the model to {@code file} atomically. */
    public void write(Path file) {
        dev.trt4j.onnx.OnnxFileLimit.requireFits(file, model);
        AtomicFiles.write(file, model::writeTo);
    }
}
