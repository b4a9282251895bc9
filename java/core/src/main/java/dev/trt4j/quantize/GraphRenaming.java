package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Renames values in nodes and in the bodies they hold, and finds what a body reads from the graph around it. */
final class GraphRenaming {
    private GraphRenaming() {
    }

    /** {@code n} with inputs and outputs renamed by {@code rename}, in its subgraphs too. */
    static NodeProto renamed(NodeProto n, Map<String, String> rename) {
        if (rename.isEmpty()) {
            return n;
        }
        NodeProto.Builder b = n.toBuilder();
        for (int k = 0; k < b.getInputCount(); k++) {
            b.setInput(k, rename.getOrDefault(b.getInput(k), b.getInput(k)));
        }
        for (int k = 0; k < b.getOutputCount(); k++) {
            b.setOutput(k, rename.getOrDefault(b.getOutput(k), b.getOutput(k)));
        }
        for (int a = 0; a < b.getAttributeCount(); a++) {
            AttributeProto.Builder ab = b.getAttribute(a).toBuilder();
            if (ab.hasG()) {
                ab.setG(renamed(ab.getG(), rename));
            }
            for (int k = 0; k < ab.getGraphsCount(); k++) {
                ab.setGraphs(k, renamed(ab.getGraphs(k), rename));
            }
            b.setAttribute(a, ab);
        }
        return b.build();
    }

    /** A body whose nodes and outputs follow {@code rename}. */
    static GraphProto renamed(GraphProto body, Map<String, String> rename) {
        GraphProto.Builder b = body.toBuilder().clearNode();
        for (NodeProto n : body.getNodeList()) {
            b.addNode(renamed(n, rename));
        }
        for (int k = 0; k < b.getOutputCount(); k++) {
            ValueInfoProto o = b.getOutput(k);
            b.setOutput(k, o.toBuilder().setName(rename.getOrDefault(o.getName(), o.getName())));
        }
        return b.build();
    }

    /** The values the bodies of {@code n} (at any depth) read without defining them: the graph around it. */
    static Set<String> outerReferences(NodeProto n) {
        Set<String> read = new HashSet<>();
        Set<String> defined = new HashSet<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                scan(a.getG(), read, defined);
            }
            for (GraphProto g : a.getGraphsList()) {
                scan(g, read, defined);
            }
        }
        read.removeAll(defined);
        read.remove("");
        return read;
    }

    private static void scan(GraphProto g, Set<String> read, Set<String> defined) {
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getInitializerList().stream().map(TensorProto::getName).forEach(defined::add);
        g.getOutputList().forEach(v -> read.add(v.getName()));
        for (NodeProto n : g.getNodeList()) {
            read.addAll(n.getInputList());
            defined.addAll(n.getOutputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    scan(a.getG(), read, defined);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    scan(sub, read, defined);
                }
            }
        }
    }
}
