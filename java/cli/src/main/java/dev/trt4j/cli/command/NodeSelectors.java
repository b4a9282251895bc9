package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.quantize.QuantizationConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Tells what each {@code --exclude} value of a model means: a node name if some node has it (unnamed nodes are
 * called {@code OpType#index}, as in the quantizer's reports), else an operator type if some node has it, else a
 * regular expression found in node names. A value that matches nothing is refused, since it is most likely a typo.
 */
final class ExclusionResolver {
    private final Path modelFile;
    private final List<String> names = new ArrayList<>();
    private final Set<String> opTypes = new HashSet<>();

    ExclusionResolver(ModelProto model, Path modelFile) {
        this.modelFile = modelFile;
        GraphProto g = model.getGraph();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            names.add(n.getName().isEmpty() ? n.getOpType() + "#" + i : n.getName());
            opTypes.add(n.getOpType());
        }
    }

    /**
     * Adds every value to {@code config} as the kind of exclusion it is.
     *
     * @throws Trt4jException naming the first value that matches no node name, operator type or name pattern
     */
    QuantizationConfig.Builder apply(List<String> values, QuantizationConfig.Builder config) {
        for (String value : values) {
            if (names.contains(value)) {
                config.excludeNode(value);
            } else if (opTypes.contains(value)) {
                config.excludeOpType(value);
            } else if (matchesSomeName(value)) {
                config.excludePattern(value);
            } else {
                throw new Trt4jException(modelFile.getFileName() + ": --exclude '" + value
                        + "' matches no node name, operator type or node-name pattern");
            }
        }
        return config;
    }

    private boolean matchesSomeName(String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Trt4jException(modelFile.getFileName() + ": --exclude '" + regex + "' is no node name or "
                    + "operator type, and not a valid regular expression: " + e.getDescription());
        }
        return names.stream().anyMatch(n -> p.matcher(n).find());
    }
}
