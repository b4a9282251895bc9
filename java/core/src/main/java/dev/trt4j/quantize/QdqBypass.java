package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashMap;
import java.util.Map;

/**
 * The FP32 model a Q/DQ model stands for: every node that reads the output of a DequantizeLinear ← QuantizeLinear
 * pair reads the pair's input instead. Everything else (folded BatchNorms, equalized weights) stays, so the two
 * models differ by rounding alone. The bypassed pairs are left in the graph without readers.
 */
final class QdqBypass {
    private QdqBypass() {
    }

    /** {@code quantized} with its Q/DQ pairs bypassed; a subgraph's outer reads of a pair are not bypassed. */
    static ModelProto fp32Of(ModelProto quantized) {
        GraphProto graph = quantized.getGraph();
        GraphIndex index = new GraphIndex(graph);
        Map<String, String> source = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            if (!GraphIndex.isDefaultOp(n, "DequantizeLinear")) {
                continue;
            }
            int q = index.producer(n.getInput(0));
            if (q >= 0 && GraphIndex.isDefaultOp(index.node(q), "QuantizeLinear")) {
                source.put(n.getOutput(0), index.node(q).getInput(0));
            }
        }
        GraphProto.Builder g = graph.toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getInputList().stream().noneMatch(source::containsKey)) {
                continue;
            }
            NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < b.getInputCount(); k++) {
                b.setInput(k, source.getOrDefault(b.getInput(k), b.getInput(k)));
            }
            g.setNode(i, b);
        }
        return quantized.toBuilder().setGraph(g).build();
    }
}
