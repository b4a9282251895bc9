package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.InvalidOptionException;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/** The nodes a {@link QuantizationConfig} keeps in FP32, by name, operator type or name pattern. */
final class Exclusions {
    private final List<String> names;
    private final List<String> opTypes;
    private final List<String> regexes;
    private final List<Pattern> patterns;

    Exclusions(QuantizationConfig config) {
        this(config.excludedNodes(), config.excludedOpTypes(), config.excludedPatterns());
    }

    private Exclusions(List<String> names, List<String> opTypes, List<String> regexes) {
        this.names = List.copyOf(names);
        this.opTypes = List.copyOf(opTypes);
        this.regexes = List.copyOf(regexes);
        this.patterns = regexes.stream().map(Pattern::compile).toList();
    }

    /** No exclusions at all: to see what a configuration would quantize if the user excluded nothing. */
    static Exclusions none() {
        return new Exclusions(List.of(), List.of(), List.of());
    }

    boolean excludes(NodeProto node, String label) {
        return names.contains(label) || opTypes.contains(node.getOpType())
                || patterns.stream().anyMatch(p -> p.matcher(label).find());
    }

    /**
     * Fails, naming the first one, if an exclusion matches only nodes that would not be quantized without it (a Relu,
     * a BatchNormalization folded away, a depthwise Conv already skipped): it changes nothing, so the user most likely
     * meant another node, and a silent "0 excluded" would hide that.
     *
     * @param graph       the graph {@link #requireAllMatch} checked, whose labels the exclusions refer to
     * @param quantizable labels of the nodes quantized (or, for Adds, given a residual Q/DQ) when nothing is excluded
     * @param skipped     labels of quantizable nodes the configuration leaves in FP32 anyway (depthwise Convs)
     */
    void requireEachQuantizesSomething(GraphProto graph, Set<String> quantizable, Set<String> skipped) {
        for (String n : names) {
            requireQuantizesSomething(graph, n, (node, label) -> label.equals(n), quantizable, skipped);
        }
        for (String t : opTypes) {
            requireQuantizesSomething(graph, t, (node, label) -> node.getOpType().equals(t), quantizable, skipped);
        }
        for (int k = 0; k < patterns.size(); k++) {
            Pattern p = patterns.get(k);
            requireQuantizesSomething(graph, regexes.get(k), (node, label) -> p.matcher(label).find(),
                    quantizable, skipped);
        }
    }

    private static void requireQuantizesSomething(GraphProto graph, String exclusion,
                                                  BiPredicate<NodeProto, String> matcher,
                                                  Set<String> quantizable, Set<String> skipped) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            String label = GraphIndex.label(node, i);
            if (!matcher.test(node, label)) {
                continue;
            }
            if (quantizable.contains(label)) {
                return;
            }
            kinds.merge(skipped.contains(label) ? "depthwise " + node.getOpType() : node.getOpType(), 1,
                    Integer::sum);
        }
        StringBuilder what = new StringBuilder();
        kinds.forEach((kind, count) -> what.append(what.length() == 0 ? "" : ", ").append(kind).append(" ×")
                .append(count));
        throw new InvalidOptionException("exclusion '" + exclusion + "' matches only nodes that are not quantized "
                + "anyway ("
                + what + "), so it changes nothing");
    }

    /** Fails, naming the first one, if an exclusion matches no node of {@code graph}: most likely a typo. */
    void requireAllMatch(GraphProto graph) {
        Set<String> labels = new HashSet<>();
        Set<String> types = new HashSet<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            labels.add(GraphIndex.label(graph.getNode(i), i));
            types.add(graph.getNode(i).getOpType());
        }
        for (String n : names) {
            if (!labels.contains(n)) {
                throw new InvalidOptionException("excluded node '" + n + "' does not exist in the model");
            }
        }
        for (String t : opTypes) {
            if (!types.contains(t)) {
                throw new InvalidOptionException("excluded operator type '" + t + "' does not occur in the model");
            }
        }
        for (int k = 0; k < patterns.size(); k++) {
            Pattern p = patterns.get(k);
            if (labels.stream().noneMatch(l -> p.matcher(l).find())) {
                throw new InvalidOptionException("exclude pattern '" + regexes.get(k)
                        + "' matches no node name in the model");
            }
        }
    }
}
