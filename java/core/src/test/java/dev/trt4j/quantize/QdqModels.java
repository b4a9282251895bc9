package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.List;
import java.util.Optional;

/** Reads the structure of quantized models in assertions. */
final class QdqModels {
    private QdqModels() {
    }

    static List<NodeProto> nodes(ModelProto m, String opType) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).toList();
    }

    static NodeProto node(ModelProto m, String name) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }

    /** The QuantizeLinear node reading {@code tensor}. */
    static NodeProto quantizeOf(ModelProto m, String tensor) {
        return nodes(m, "QuantizeLinear").stream().filter(n -> n.getInput(0).equals(tensor)).findFirst()
                .orElseThrow(() -> new AssertionError("no QuantizeLinear reads " + tensor));
    }

    /** The DequantizeLinear node reading the output of {@code q}. */
    static NodeProto dequantizeAfter(ModelProto m, NodeProto q) {
        return nodes(m, "DequantizeLinear").stream().filter(n -> n.getInput(0).equals(q.getOutput(0))).findFirst()
                .orElseThrow(() -> new AssertionError("no DequantizeLinear after " + q.getName()));
    }

    static Optional<Long> axis(NodeProto n) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals("axis")).map(a -> a.getI()).findFirst();
    }

    /** A tensor by name: an initializer or a Constant node's value. */
    static TensorProto tensor(ModelProto m, String name) {
        GraphProto g = m.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutput(0).equals(name)) {
                return n.getAttribute(0).getT();
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    static float[] floats(ModelProto m, String name) {
        return TensorValues.floats(tensor(m, name));
    }

    static long opset(ModelProto m) {
        return OpsetUpgrade.defaultOpset(m);
    }
}
