package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Names each unnamed node by its label, {@code OpType#index}, before a rewrite that inserts or removes nodes: the
 * index would otherwise move, and a label the user gave (to {@code --exclude}, {@code --no-smooth}) or a report
 * printed would point at another node of the rewritten graph.
 */
final class NodeNames {
    private NodeNames() {
    }

    /** {@code model} with every unnamed node of its main graph named by its label; itself if none is unnamed. */
    static ModelProto nameUnnamed(ModelProto model) {
        GraphProto g = model.getGraph();
        if (g.getNodeList().stream().noneMatch(n -> n.getName().isEmpty())) {
            return model;
        }
        UniqueNames names = new UniqueNames(g);
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getNodeCount(); i++) {
            NodeProto n = b.getNode(i);
            if (n.getName().isEmpty()) {
                b.setNode(i, n.toBuilder().setName(names.take(GraphIndex.label(n, i))));
            }
        }
        return model.toBuilder().setGraph(b).build();
    }
}
