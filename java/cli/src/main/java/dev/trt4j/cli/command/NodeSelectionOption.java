package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.quantize.NodeSelection;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
            throw new InvalidOptionException(modelFile.getFileName() + ": " + option + " " + e.getMessage()
                    + inBody(model.getGraph(), values, e.getMessage()), e);
        }
    }

    /**
     * For a value that picks no node of the main graph but does pick one inside an If branch or loop body, where
     * neither option reaches (bodies stay FP32 as they are): says so, else empty. "matches no node name" alone
     * sends the user looking for a typo in a name they can see in the model.
     */
    private static String inBody(GraphProto graph, List<String> values, String message) {
        for (String value : values) {
            if (!message.startsWith("'" + value + "' matches no node")) {
                continue;
            }
            Pattern p;
            try {
                p = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                p = null;
            }
            Pattern pattern = p;
            return ControlFlow.holderOf(graph, n -> n.getName().equals(value) || n.getOpType().equals(value)
                            || (pattern != null && pattern.matcher(n.getName()).find()))
                    .map(holder -> {
                        boolean branch = holder.getOpType().equals("If");
                        return "; it is found inside the " + (branch ? "branches" : "body") + " of "
                                + holder.getOpType() + " '" + (holder.getName().isEmpty() ? holder.getOutput(0)
                                : holder.getName()) + "', whose nodes stay FP32 anyway" + (branch ? " (fold the If "
                                + "first with convert --fix-input or --fix-shapes to reach them)" : "");
                    })
                    .orElse("");
        }
        return "";
    }
}
