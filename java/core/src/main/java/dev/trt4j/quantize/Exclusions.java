package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.InvalidOptionException;

import java.util.Set;
import java.util.function.BiPredicate;

/** The nodes a {@link QuantizationConfig} keeps in FP32, by name, operator type or name pattern. */
final class Exclusions {
    private final NodeSelection selection;
    private final BiPredicate<NodeProto, String> matcher;

    Exclusions(QuantizationConfig config) {
        this(new NodeSelection(config.excludedNodes(), config.excludedOpTypes(), config.excludedPatterns()));
    }

    private Exclusions(NodeSelection selection) {
        this.selection = selection;
        this.matcher = selection.matcher();
    }

    /** No exclusions at all: to see what a configuration would quantize if the user excluded nothing. */
    static Exclusions none() {
        return new Exclusions(NodeSelection.NONE);
    }

    boolean excludes(NodeProto node, String label) {
        return matcher.test(node, label);
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
        selection.firstUnmatched(graph, quantizable::contains).ifPresent(u -> {
            String what = u.matchedKinds(graph, i -> {
                NodeProto node = graph.getNode(i);
                return skipped.contains(GraphIndex.label(node, i)) ? "depthwise " + node.getOpType()
                        : node.getOpType();
            });
            throw new InvalidOptionException("exclusion '" + u.value() + "' matches only nodes that are not "
                    + "quantized anyway (" + what + "), so it changes nothing");
        });
    }

    /** Fails, naming the first one, if an exclusion matches no node of {@code graph}: most likely a typo. */
    void requireAllMatch(GraphProto graph) {
        selection.firstUnmatched(graph).ifPresent(u -> {
            throw new InvalidOptionException(switch (u.kind()) {
                case NODE -> "excluded node '" + u.value() + "' does not exist in the model";
                case OP_TYPE -> "excluded operator type '" + u.value() + "' does not occur in the model";
                case PATTERN -> "exclude pattern '" + u.value() + "' matches no node name in the model";
            });
        });
    }
}
