package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that a model's main graph is wired up: every tensor its nodes read and every graph output is defined by a
 * graph input, an initializer or a node output, and the graph has outputs. A graph cut short (nodes or inputs
 * removed) otherwise passes every trt4j command and only fails when ONNX Runtime opens it, after trt4j has written
 * models derived from it.
 *
 * <p>Only the main graph's own nodes are checked: an If, Loop or Scan body may read tensors of the graph around it
 * by name, so an undefined name inside a body is not necessarily an error.
 */
final class GraphWiring {
    private GraphWiring() {
    }

    /**
     * @throws Trt4jException naming {@code file}, the first node (or graph output) that reads an undefined tensor
     *                        and that tensor, or saying the graph has no outputs
     */
    static void check(GraphProto g, Path file) {
        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getInitializerList().forEach(t -> defined.add(t.getName()));
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            defined.add(s.getValues().getName());
        }
        // Any node's outputs, not only earlier ones: order is ONNX Runtime's concern, a missing tensor is ours.
        g.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
        List<NodeProto> nodes = g.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            for (String input : nodes.get(i).getInputList()) {
                // An empty name is an optional input left out.
                if (!input.isEmpty() && !defined.contains(input)) {
                    throw new Trt4jException(file + ": node " + describe(nodes.get(i), i) + " reads tensor '" + input
                            + "', which no graph input, initializer or node output defines");
                }
            }
        }
        if (g.getOutputCount() == 0) {
            throw new Trt4jException(file + ": the graph has no outputs");
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (!defined.contains(out.getName())) {
                throw new Trt4jException(file + ": graph output '" + out.getName()
                        + "' is not a graph input, initializer or node output");
            }
        }
    }

    /** {@code 'name' (OpType)}, or {@code OpType#index} (index in the graph's node list) for an unnamed node. */
    private static String describe(NodeProto n, int index) {
        return n.getName().isEmpty() ? n.getOpType() + "#" + index : "'" + n.getName() + "' (" + n.getOpType() + ")";
    }
}
