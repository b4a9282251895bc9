package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

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
}
