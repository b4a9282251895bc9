package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each tensor of a graph comes from: the constant value of an initializer or a {@code Constant} node, and the
 * node that produces it. For structure searches that follow a tensor back through its producers.
 *
 * @param constants constant tensors by name
 * @param producers the node producing each node output, by name
 */
record TensorOrigins(Map<String, TensorProto> constants, Map<String, NodeProto> producers) {
    static TensorOrigins of(GraphProto graph) {
        Map<String, TensorProto> constants = new HashMap<>();
        graph.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                ConstantTensors.of(node).ifPresent(t -> constants.put(node.getOutput(0), t));
            }
            for (String out : node.getOutputList()) {
                producers.put(out, node);
            }
        }
        return new TensorOrigins(constants, producers);
    }
}
