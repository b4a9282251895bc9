package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a graph so that some Convs absorb the nodes that follow them: each such Conv gets new weights and bias
 * and writes the last absorbed node's output tensor, so tensor names seen downstream do not change. Shared by the
 * folds that compute those weights ({@link BatchNormFolder}, {@link ConvAffineFolder}).
 */
final class ConvFoldWriter {
    /**
     * One Conv and the nodes it absorbs.
     *
     * @param conv       index of the Conv
     * @param absorbed   indices of the nodes it replaces, in chain order
     * @param output     the tensor the folded Conv writes (the last absorbed node's output)
     * @param weights    the folded weights, in the Conv weight's shape
     * @param bias       the folded bias, one value per output channel
     * @param parameters constants the absorbed nodes read, removed when nothing else reads them
     */
    record Fold(int conv, List<Integer> absorbed, String output, float[] weights, float[] bias,
                Collection<String> parameters) {
    }

    private ConvFoldWriter() {
    }

    /**
     * Conv weights {@code [C, ...]} with each output channel {@code c} multiplied by {@code scale[c]} (in double,
     * rounded once to float).
     */
    static float[] scaledPerChannel(float[] weights, double[] scale) {
        int perChannel = scale.length == 0 ? 0 : weights.length / scale.length;
        float[] scaled = new float[weights.length];
        for (int c = 0; c < scale.length; c++) {
            for (int k = c * perChannel, end = k + perChannel; k < end; k++) {
                scaled[k] = (float) (weights[k] * scale[c]);
            }
        }
        return scaled;
    }

    static GraphProto apply(GraphIndex index, List<Fold> folds) {
        GraphProto graph = index.graph();
        UniqueNames names = new UniqueNames(graph);
        Map<String, TensorProto> replaced = new HashMap<>();
        List<TensorProto> added = new ArrayList<>();
        Map<Integer, NodeProto> newConvs = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        Set<String> maybeUnused = new LinkedHashSet<>();
        Set<String> vanished = new HashSet<>();
        for (Fold f : folds) {
            NodeProto conv = index.node(f.conv());
            TensorProto w = index.constant(conv.getInput(1)).orElseThrow();
            String weightName = storeOwnedOrNew(index, names, conv.getInput(1), f.conv(),
                    TensorValues.floatTensor(conv.getInput(1), w.getDimsList(), f.weights()), replaced, added,
                    maybeUnused);
            boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
            List<Long> biasDims = List.of((long) f.bias().length);
            String biasName = hasBias
                    ? storeOwnedOrNew(index, names, conv.getInput(2), f.conv(),
                            TensorValues.floatTensor(conv.getInput(2), biasDims, f.bias()), replaced, added,
                            maybeUnused)
                    : addNew(names, GraphIndex.label(conv, f.conv()) + "_bias",
                            TensorValues.floatTensor("", biasDims, f.bias()), added);
            newConvs.put(f.conv(), conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(weightName)
                    .addInput(biasName).setOutput(0, f.output()).build());
            removed.addAll(f.absorbed());
            vanished.add(conv.getOutput(0));
            for (int a : f.absorbed()) {
                if (!index.node(a).getOutput(0).equals(f.output())) {
                    vanished.add(index.node(a).getOutput(0));
                }
            }
            maybeUnused.addAll(f.parameters());
        }

        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            if (removed.contains(i)) {
                continue;
            }
            NodeProto n = newConvs.getOrDefault(i, index.node(i));
            if (GraphIndex.isConstantNode(n) && replaced.containsKey(n.getOutput(0))) {
                TensorProto value = replaced.get(n.getOutput(0)).toBuilder().clearName().build();
                n = n.toBuilder().clearAttribute().addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(value)).build();
            }
            nodes.add(n);
        }
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes);
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = replaced.get(g.getInitializer(i).getName());
            if (t != null) {
                g.setInitializer(i, t);
            }
        }
        g.addAllInitializer(added);
        UnusedConstants.remove(g, maybeUnused); // absorbed parameters, superseded weights
        GraphIndex.dropValueInfo(g, vanished);
        return g.build();
    }

    /** Writes the new value over the constant when this Conv is its only user, else under a new name. */
    private static String storeOwnedOrNew(GraphIndex index, UniqueNames names, String tensor, int conv,
                                          TensorProto value, Map<String, TensorProto> replaced,
                                          List<TensorProto> added, Set<String> maybeUnused) {
        List<GraphIndex.Use> uses = index.consumers(tensor);
        boolean owned = uses.size() == 1 && uses.get(0).node() == conv && !index.isGraphOutput(tensor)
                && !replaced.containsKey(tensor);
        if (owned) {
            replaced.put(tensor, value);
            return tensor;
        }
        maybeUnused.add(tensor);
        return addNew(names, tensor + "_folded", value, added);
    }

    private static String addNew(UniqueNames names, String base, TensorProto value, List<TensorProto> added) {
        String name = names.take(base);
        added.add(value.toBuilder().setName(name).build());
        return name;
    }
}
