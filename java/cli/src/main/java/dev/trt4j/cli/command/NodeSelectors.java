package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.InvalidOptionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Tells what each value of a node-selecting option ({@code --exclude}, {@code --keep-fp32}) means for a model: a node
 * name if some node has it (unnamed nodes are called {@code OpType#index}, as in trt4j's reports), else an operator
 * type if some node has it, else a regular expression found in node names. A value that matches nothing is refused,
 * since it is most likely a typo.
 */
final class NodeSelectors {
    /** The values of one option, sorted by kind. */
    record Selection(List<String> nodes, List<String> opTypes, List<String> patterns) {
    }

    private final Path modelFile;
    private final List<String> names = new ArrayList<>();
    private final Set<String> opTypes = new HashSet<>();

    NodeSelectors(ModelProto model, Path modelFile) {
        this.modelFile = modelFile;
        GraphProto g = model.getGraph();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            names.add(n.getName().isEmpty() ? n.getOpType() + "#" + i : n.getName());
            opTypes.add(n.getOpType());
        }
    }

    /**
     * Sorts the values of {@code option} into node names, operator types and patterns.
     *
     * @throws InvalidOptionException naming the first value that matches no node name, operator type or name pattern
     */
    Selection resolve(String option, List<String> values) {
        List<String> nodes = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        for (String value : values) {
            if (names.contains(value)) {
                nodes.add(value);
            } else if (opTypes.contains(value)) {
                types.add(value);
            } else if (matchesSomeName(option, value)) {
                patterns.add(value);
            } else {
                throw new InvalidOptionException(modelFile.getFileName() + ": " + option + " '" + value
                        + "' matches no node name, operator type or node-name pattern");
            }
        }
        return new Selection(nodes, types, patterns);
    }

    /** The names of the nodes that {@code selection} names or whose names its patterns find, in graph order. */
    Set<String> namedOrMatched(Selection selection) {
        List<Pattern> patterns = selection.patterns().stream().map(Pattern::compile).toList();
        Set<String> out = new LinkedHashSet<>();
        for (String name : names) {
            if (selection.nodes().contains(name) || patterns.stream().anyMatch(p -> p.matcher(name).find())) {
                out.add(name);
            }
        }
        return out;
    }

    private boolean matchesSomeName(String option, String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidOptionException(modelFile.getFileName() + ": " + option + " '" + regex + "' is no "
                    + "node name or operator type, and not a valid regular expression: " + e.getDescription());
        }
        return names.stream().anyMatch(n -> p.matcher(n).find());
    }
}
