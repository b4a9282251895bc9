package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashSet;
import java.util.Set;

/**
 * Removes the QuantizeLinear and DequantizeLinear nodes that a rewrite into a fused ONNX Runtime node left without
 * readers, with the constants only they read and the value infos of tensors no node makes any more (which would
 * otherwise describe tensors that do not exist).
 */
final class UnreadQdq {
    private UnreadQdq() {
    }

    /** {@code graph} without unread Q/DQ nodes, repeatedly: a QuantizeLinear is unread once its DequantizeLinear is gone. */
    static GraphProto removed(GraphProto graph) {
        GraphProto current = graph;
        Set<String> droppedInputs = new HashSet<>();
        boolean dropped = true;
        while (dropped) {
            GraphIndex index = new GraphIndex(current);
            GraphProto.Builder b = current.toBuilder().clearNode();
            dropped = false;
            for (NodeProto n : current.getNodeList()) {
                boolean qdq = (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear"))
                        && GraphIndex.isDefaultDomain(n.getDomain());
                if (qdq && index.consumers(n.getOutput(0)).isEmpty() && !index.isGraphOutput(n.getOutput(0))) {
                    droppedInputs.addAll(n.getInputList());
                    dropped = true;
                } else {
                    b.addNode(n);
                }
            }
            current = b.build();
        }
        GraphProto swept = current;
        Set<String> read = new HashSet<>();
        Set<String> produced = new HashSet<>();
        swept.getNodeList().forEach(n -> {
            read.addAll(n.getInputList());
            produced.addAll(n.getOutputList());
        });
        swept.getOutputList().forEach(o -> read.add(o.getName()));
        GraphProto.Builder b = swept.toBuilder().clearInitializer().clearValueInfo();
        swept.getInitializerList().stream()
                .filter(t -> read.contains(t.getName()) || !droppedInputs.contains(t.getName()))
                .forEach(b::addInitializer);
        swept.getValueInfoList().stream().filter(v -> produced.contains(v.getName())).forEach(b::addValueInfo);
        return b.build();
    }
}
