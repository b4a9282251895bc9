package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.onnx.OnnxModelFile;

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

    /** The serialized model; the same inputs always give the same bytes. Only for a model within 2 GiB. */
    public byte[] toByteArray() {
        return model.toByteArray();
    }

    /** Writes the model to {@code file} atomically, with external data only where it exceeds 2 GiB inline. */
    public OnnxModelFile.Written write(Path file) {
        return write(file, false);
    }

    /**
     * Writes the model to {@code file} atomically; with its weights in a data file beside it where
     * {@code externalData} asks for that or the model exceeds 2 GiB inline ({@link OnnxModelFile}).
     */
    public OnnxModelFile.Written write(Path file, boolean externalData) {
        return OnnxModelFile.write(file, model, externalData);
    }
}
