package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raises the default-domain opset of a model from 11 or 12 to 13 (the first with per-axis QuantizeLinear and
 * DequantizeLinear), rewriting the operators whose meaning changed on the way:
 * <ul>
 *   <li>{@code Squeeze}, {@code Unsqueeze}, {@code ReduceSum}: the {@code axes} attribute becomes an input;</li>
 *   <li>{@code Split}: the {@code split} attribute becomes an input;</li>
 *   <li>{@code Softmax}, {@code LogSoftmax}, {@code Hardmax}: before 13 they work on the input flattened to 2-D at
 *       {@code axis} (default 1), from 13 on one axis (default -1); unless the axis is provably the last one, the
 *       node becomes Flatten → op(axis=1) → Reshape to the input's shape;</li>
 *   <li>{@code Dropout}: the {@code ratio} attribute (opset 10/11) is dropped; inference ignores it.</li>
 * </ul>
 * Every other operator keeps its meaning from 11 to 13 (the changes are added element types). Subgraphs are
 * rewritten too.
 */
final class OpsetUpgrade {
    static final long TARGET = 13;
    private final UniqueNames names;

    private OpsetUpgrade(GraphProto main) {
        this.names = new UniqueNames(main);
    }

    /** The model's default-domain opset version. */
    static long defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (GraphIndex.isDefaultDomain(o.getDomain())) {
                return o.getVersion();
            }
        }
        throw new Trt4jException("model '" + model.getGraph().getName() + "' imports no default-domain opset");
    }

    /** The model at opset 13; unchanged if it already is at 13 or later. */
    static ModelProto toTarget(ModelProto model) {
        long opset = defaultOpset(model);
        if (opset >= TARGET) {
            return model;
        }
        if (opset < 11) {
            throw new Trt4jException("model '" + model.getGraph().getName() + "' has opset " + opset
                    + "; per-channel Q/DQ needs opset 13 and only opset 11 or 12 can be raised; convert the model"
                    + " to opset 11+ first or use per-tensor weights");
        }
        GraphProto graph = new OpsetUpgrade(model.getGraph()).upgrade(model.getGraph(), opset);
        ModelProto.Builder b = model.toBuilder().setGraph(graph).setIrVersion(Math.max(model.getIrVersion(), 7));
        for (int i = 0; i < b.getOpsetImportCount(); i++) {
            if (GraphIndex.isDefaultDomain(b.getOpsetImport(i).getDomain())) {
                b.setOpsetImport(i, b.getOpsetImport(i).toBuilder().setVersion(TARGET));
            }
        }
        return b.build();
    }

    private GraphProto upgrade(GraphProto graph, long opset) {
        Map<String, Integer> ranks = knownRanks(graph);
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = withUpgradedSubgraphs(graph.getNode(i), opset);
            if (!GraphIndex.isDefaultDomain(n.getDomain())) {
                nodes.add(n);
                continue;
            }
            String label = GraphIndex.label(n, i);
            switch (n.getOpType()) {
                case "Squeeze", "Unsqueeze", "ReduceSum" -> moveIntsToInput(n, label, "axes", 1, nodes);
                case "Split" -> moveIntsToInput(n, label, "split", 1, nodes);
                case "Softmax", "LogSoftmax", "Hardmax" -> upgradeSoftmax(n, label, ranks, nodes);
                case "Dropout" -> nodes.add(Attributes.without(n, "ratio").build());
                default -> nodes.add(n);
            }
        }
        return graph.toBuilder().clearNode().addAllNode(nodes).build();
    }

    private NodeProto withUpgradedSubgraphs(NodeProto n, long opset) {
        boolean has = n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (!has) {
            return n;
        }
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) {
                ab.setG(upgrade(a.getG(), opset));
            }
            for (int k = 0; k < a.getGraphsCount(); k++) {
                ab.setGraphs(k, upgrade(a.getGraphs(k), opset));
            }
            b.addAttribute(ab);
        }
        return b.build();
    }

    /** Replaces an INTS attribute by a Constant feeding input {@code position} (added in opset 13). */
    private void moveIntsToInput(NodeProto n, String label, String attribute, int position, List<NodeProto> out) {
        Optional<AttributeProto> a = Attributes.find(n, attribute);
        if (a.isEmpty()) {
            out.add(n); // absent means the same thing before and after 13
            return;
        }
        if (n.getInputCount() > position) {
            throw new Trt4jException("node '" + label + "' (" + n.getOpType() + ") has both the '" + attribute
                    + "' attribute and input " + position + "; the model is invalid");
        }
        String tensor = names.take(label + "_" + attribute);
        out.add(constant(names.take(tensor + "_Constant"), tensor,
                TensorValues.int64Vector("", a.get().getIntsList())));
        NodeProto.Builder b = Attributes.without(n, attribute);
        while (b.getInputCount() < position) {
            b.addInput("");
        }
        out.add(b.addInput(tensor).build());
    }

    private void upgradeSoftmax(NodeProto n, String label, Map<String, Integer> ranks, List<NodeProto> out) {
        long axis = Attributes.getInt(n, "axis", 1);
        Integer rank = ranks.get(n.getInput(0));
        boolean last = axis == -1 || (rank != null && (axis < 0 ? axis + rank : axis) == rank - 1);
        if (last) {
            out.add(Attributes.without(n, "axis").addAttribute(Attributes.ofInt("axis", -1)).build());
            return;
        }
        String x = n.getInput(0);
        String flat = names.take(label + "_flattened");
        String shape = names.take(label + "_input_shape");
        String result2d = names.take(label + "_2d");
        out.add(NodeProto.newBuilder().setOpType("Flatten").setName(names.take(label + "_Flatten")).addInput(x)
                .addOutput(flat).addAttribute(Attributes.ofInt("axis", axis)).build());
        out.add(Attributes.without(n, "axis").clearInput().addInput(flat).clearOutput().addOutput(result2d)
                .addAttribute(Attributes.ofInt("axis", 1)).build());
        out.add(NodeProto.newBuilder().setOpType("Shape").setName(names.take(label + "_Shape")).addInput(x)
                .addOutput(shape).build());
        out.add(NodeProto.newBuilder().setOpType("Reshape").setName(names.take(label + "_Reshape"))
                .addInput(result2d).addInput(shape).addOutput(n.getOutput(0)).build());
    }

    static NodeProto constant(String nodeName, String output, TensorProto value) {
        return NodeProto.newBuilder().setOpType("Constant").setName(nodeName).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(value))
                .build();
    }

    private static Map<String, Integer> knownRanks(GraphProto g) {
        Map<String, Integer> ranks = new HashMap<>();
        List<ValueInfoProto> all = new ArrayList<>(g.getInputList());
        all.addAll(g.getValueInfoList());
        all.addAll(g.getOutputList());
        for (ValueInfoProto v : all) {
            if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                ranks.put(v.getName(), v.getType().getTensorType().getShape().getDimCount());
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            ranks.put(t.getName(), t.getDimsCount());
        }
        return ranks;
    }
}
