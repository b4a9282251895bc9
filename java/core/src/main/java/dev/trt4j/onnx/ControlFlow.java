package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Nodes that hold bodies: If, Loop, Scan and any other with graph attributes. */
public final class ControlFlow {
    private ControlFlow() {
    }

    /** True if {@code n} holds a subgraph: its body may read the values around it by name. */
    public static boolean holdsBody(NodeProto n) {
        return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
    }

    /** How many nodes of {@code graph} itself (not of nested bodies) hold bodies. */
    public static long nodesWithBodies(GraphProto graph) {
        return graph.getNodeList().stream().filter(ControlFlow::holdsBody).count();
    }

    /** The bodies {@code n} holds, in attribute order (a single graph before a list in each attribute). */
    public static List<GraphProto> bodies(NodeProto n) {
        List<GraphProto> bodies = new ArrayList<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                bodies.add(a.getG());
            }
            bodies.addAll(a.getGraphsList());
        }
        return bodies;
    }

    /** Whether a body of {@code graph}'s nodes (at any depth) holds a node of one of {@code opTypes}. */
    public static boolean bodiesHoldAny(GraphProto graph, Set<String> opTypes) {
        for (NodeProto n : graph.getNodeList()) {
            for (GraphProto body : bodies(n)) {
                if (body.getNodeList().stream().anyMatch(b -> opTypes.contains(b.getOpType()))
                        || bodiesHoldAny(body, opTypes)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The node of {@code graph} itself whose bodies (at any depth) hold a node {@code test} accepts, if any: to say
     * that a name the main graph lacks lies in an If branch or a loop body.
     */
    public static Optional<NodeProto> holderOf(GraphProto graph, Predicate<NodeProto> test) {
        for (NodeProto n : graph.getNodeList()) {
            for (GraphProto body : bodies(n)) {
                if (body.getNodeList().stream().anyMatch(test) || holderOf(body, test).isPresent()) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a body of {@code graph}'s nodes (at any depth) holds a node not of {@code opTypes}. */
    public static boolean bodiesHoldOtherThan(GraphProto graph, Set<String> opTypes) {
        return holderOf(graph, b -> !opTypes.contains(b.getOpType())).isPresent();
    }

    /** The ONNX {@code If} nodes of {@code graph} (not of its bodies), which a fixed input or shape can fold. */
    public static long ifNodes(GraphProto graph) {
        return graph.getNodeList().stream().filter(ControlFlow::isOnnxIf).count();
    }

    /**
     * What becomes of the bodies in {@code graph}'s own nodes, for a message: If branches are calibrated and
     * converted once {@code trt4j convert --fix-input}/{@code --fix-shapes} folds the If away (the input
     * specialisation folds only ONNX If nodes whose condition becomes constant), while Loop, Scan and other
     * bodies stay as they are. Empty if no node holds a body.
     */
    public static String bodiesNote(GraphProto graph) {
        long ifs = ifNodes(graph);
        long others = nodesWithBodies(graph) - ifs;
        String ifNote = ifs == 0 ? "" : ifs + " If node(s), whose branches are not calibrated or converted until "
                + "folded (trt4j convert --fix-input NAME=VALUE and/or --fix-shapes SPEC)";
        String otherNote = others == 0 ? "" : others + " Loop/Scan node(s), whose bodies are never calibrated or "
                + "converted";
        return ifNote.isEmpty() || otherNote.isEmpty() ? ifNote + otherNote : ifNote + "; " + otherNote;
    }

    private static boolean isOnnxIf(NodeProto n) {
        return n.getOpType().equals("If") && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                && holdsBody(n);
    }
}
