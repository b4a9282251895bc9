package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/** Drops the nodes a rewrite left without readers. */
final class DeadNodes {
    private DeadNodes() {
    }

    /**
     * Drops each node that {@code mayDrop} allows and none of whose outputs is read or is a graph output, until none
     * is left (a chain goes from its end).
     *
     * @return the tensors the dropped nodes read, among them constants that may be unread now
     */
    static Set<String> drop(GraphProto.Builder g, Predicate<NodeProto> mayDrop) {
        Set<String> read = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            GraphIndex index = new GraphIndex(g.build());
            for (int i = g.getNodeCount() - 1; i >= 0; i--) {
                NodeProto n = g.getNode(i);
                boolean dead = n.getOutputList().stream().allMatch(o -> o.isEmpty()
                        || (index.consumers(o).isEmpty() && !index.isGraphOutput(o)));
                if (dead && mayDrop.test(n)) {
                    read.addAll(n.getInputList());
                    g.removeNode(i);
                    changed = true;
                }
            }
        }
        return read;
    }
}
