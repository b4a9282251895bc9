package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Exposes intermediate tensors as graph outputs, so that a runtime returns their values. */
final class GraphOutputs {
    private GraphOutputs() {
    }

    /**
     * The model with {@code tensors} appended to the graph outputs (those already outputs are skipped). An output
     * gets its element type from {@code types} when known; otherwise it is left untyped for the runtime to infer.
     */
    static ModelProto withExtraOutputs(ModelProto model, List<String> tensors, Map<String, Integer> types) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> present = new HashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            present.add(v.getName());
        }
        for (String name : tensors) {
            if (!present.add(name)) {
                continue;
            }
            ValueInfoProto.Builder out = ValueInfoProto.newBuilder().setName(name);
            Integer type = types.get(name);
            if (type != null) {
                out.setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type)));
            }
            g.addOutput(out);
        }
        return model.toBuilder().setGraph(g).build();
    }
}
