package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.quantize.NodeSelection;

import java.nio.file.Path;
import java.util.List;

/**
 * A node-selecting option ({@code --exclude}, {@code --keep-fp32}) read as a {@link NodeSelection}: a value that
 * picks no node of the model is a usage error naming the model and the option.
 */
final class NodeSelectionOption {
    private NodeSelectionOption() {
    }

    /** @throws InvalidOptionException naming the first value that picks nothing, or is no valid expression */
    static NodeSelection parse(ModelProto model, Path modelFile, String option, List<String> values) {
        if (values.isEmpty()) {
            return NodeSelection.NONE;
        }
        try {
            return NodeSelection.parse(model.getGraph(), values);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(modelFile.getFileName() + ": " + option + " " + e.getMessage(), e);
        }
    }
}
