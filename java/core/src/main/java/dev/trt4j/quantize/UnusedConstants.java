package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/** Drops replaced constants (initializers or Constant nodes) that nothing reads any more. */
final class UnusedConstants {
    private UnusedConstants() {
    }

    /** Removes each of {@code candidates} that no node reads and that is not a graph input or output. */
    static void remove(GraphProto.Builder g, Collection<String> candidates) {
        GraphIndex after = new GraphIndex(g.build());
        Set<String> unused = candidates.stream().filter(c -> after.consumers(c).isEmpty()
                && !after.isGraphOutput(c) && !after.isGraphInput(c)).collect(Collectors.toSet());
        for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
            if (unused.contains(g.getInitializer(i).getName())) {
                g.removeInitializer(i);
            }
        }
        for (int i = g.getNodeCount() - 1; i >= 0; i--) {
            NodeProto n = g.getNode(i);
            if (GraphIndex.isConstantNode(n) && unused.contains(n.getOutput(0))) {
                g.removeNode(i);
            }
        }
    }
}
