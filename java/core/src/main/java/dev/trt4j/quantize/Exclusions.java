package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.Trt4jException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The nodes a {@link QuantizationConfig} keeps in FP32, by name, operator type or name pattern. */
final class Exclusions {
    private final Set<String> names;
    private final Set<String> opTypes;
    private final List<Pattern> patterns;
    private final QuantizationConfig config;

    Exclusions(QuantizationConfig config) {
        this.config = config;
        this.names = Set.copyOf(config.excludedNodes());
        this.opTypes = Set.copyOf(config.excludedOpTypes());
        this.patterns = config.excludedPatterns().stream().map(Pattern::compile).toList();
    }

    boolean excludes(NodeProto node, String label) {
        return names.contains(label) || opTypes.contains(node.getOpType())
                || patterns.stream().anyMatch(p -> p.matcher(label).find());
    }

    /** Fails, naming the first one, if an exclusion matches no node of {@code graph}: most likely a typo. */
    void requireAllMatch(GraphProto graph) {
        Set<String> labels = new HashSet<>();
        Set<String> types = new HashSet<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            labels.add(GraphIndex.label(graph.getNode(i), i));
            types.add(graph.getNode(i).getOpType());
        }
        for (String n : config.excludedNodes()) {
            if (!labels.contains(n)) {
                throw new Trt4jException("excluded node '" + n + "' does not exist in the model");
            }
        }
        for (String t : config.excludedOpTypes()) {
            if (!types.contains(t)) {
                throw new Trt4jException("excluded operator type '" + t + "' does not occur in the model");
            }
        }
        for (int k = 0; k < patterns.size(); k++) {
            Pattern p = patterns.get(k);
            if (labels.stream().noneMatch(l -> p.matcher(l).find())) {
                throw new Trt4jException("exclude pattern '" + config.excludedPatterns().get(k)
                        + "' matches no node name in the model");
            }
        }
    }
}
