package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Locale;

/**
 * How large a graph {@link OperatorCheck} still hands to ONNX Runtime's loader when the model is only to be described
 * ({@code inspect}). The loader's time and native memory grow with the node count, and -Xmx bounds neither: a
 * downloaded 54 MB file of 2,000,000 nodes kept {@code inspect} in session creation for over five minutes at 8 GB.
 * A command that runs the model needs that session anyway and keeps the check.
 */
public final class LoaderCheckLimit {
    /**
     * The most nodes (bodies and local functions included) whose load {@code inspect} waits for. Measured on a chain
     * of Relu nodes, one a layer, with ONNX Runtime 1.29 on one thread of a 2-core machine (load alone; reading the
     * file is apart): 20,000 nodes 0.9 s; 50,000 1.7 s; 100,000 6.9 s and 0.54 GB resident; 150,000 9.3 s; 200,000
     * 14 s and 0.94 GB; 300,000 20 s and 1.4 GB. Real models hold far fewer (all-MiniLM-L6-v2 a few hundred, the
     * PP-OCR models one or two thousand, a large transformer tens of thousands): they keep the check, which at this
     * limit still takes seconds, not minutes.
     */
    public static final long MAX_NODES = 100_000;

    private LoaderCheckLimit() {
    }

    /** Whether {@code model} holds more nodes than {@link #MAX_NODES}. */
    public static boolean exceeded(ModelProto model) {
        return nodes(model) > MAX_NODES;
    }

    /** The nodes of {@code model}: its graph's, those of every body at any depth, and its local functions'. */
    public static long nodes(ModelProto model) {
        long n = nodes(model.getGraph());
        for (FunctionProto f : model.getFunctionsList()) {
            for (NodeProto node : f.getNodeList()) {
                n += 1 + bodyNodes(node);
            }
        }
        return n;
    }

    /** The warning line a skipped check gives, naming the file and its node count. */
    static String skippedNotice(String file, long nodes) {
        return String.format(Locale.ROOT, "%s: %,d nodes, more than the %,d whose load by ONNX Runtime inspect waits "
                + "for (its time and memory grow with the count): ONNX Runtime's check of the graph (operators, "
                + "cycles, tensors defined twice) is skipped; every command that runs the model still makes it",
                file, nodes, MAX_NODES);
    }

    private static long nodes(GraphProto graph) {
        long n = 0;
        for (NodeProto node : graph.getNodeList()) {
            n += 1 + bodyNodes(node);
        }
        return n;
    }

    private static long bodyNodes(NodeProto node) {
        long n = 0;
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                n += nodes(a.getG());
            }
            for (GraphProto g : a.getGraphsList()) {
                n += nodes(g);
            }
        }
        return n;
    }
}
