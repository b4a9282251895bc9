package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out tensor and node names that clash with nothing in a graph (subgraphs included). Names derive from a
 * readable base, so the same model always gets the same names.
 */
final class UniqueNames {
    private final Set<String> taken = new HashSet<>();

    UniqueNames(GraphProto graph) {
        addAll(graph);
    }

    private void addAll(GraphProto g) {
        for (ValueInfoProto v : g.getInputList()) {
            taken.add(v.getName());
        }
        for (ValueInfoProto v : g.getOutputList()) {
            taken.add(v.getName());
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            taken.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            taken.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            taken.add(n.getName());
            taken.addAll(n.getInputList());
            taken.addAll(n.getOutputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    addAll(a.getG());
                }
                for (GraphProto sub : a.getGraphsList()) {
                    addAll(sub);
                }
            }
        }
    }

    /** {@code base} if free, else {@code base_1}, {@code base_2}, …; the returned name is taken from now on. */
    String take(String base) {
        String name = base;
        for (int i = 1; !taken.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
