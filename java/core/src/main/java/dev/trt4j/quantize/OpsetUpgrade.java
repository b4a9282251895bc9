package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raises the default-domain opset of a model from 6–12 to 13 (the first with per-axis QuantizeLinear and
 * DequantizeLinear), rewriting the operators whose inputs or meaning changed on the way:
 * <ul>
 *   <li>before 7: arithmetic and comparisons broadcast NumPy-style instead of along the {@code axis} their
 *       {@code broadcast} attribute names, so such a second input gets trailing dimensions of 1 (which needs the
 *       ranks, declared or followed through common operators); PRelu's per-channel slope likewise; Gemm,
 *       BatchNormalization and Dropout lose attributes opset 7 dropped;</li>
 *   <li>before 9: {@code BatchNormalization} loses {@code spatial} (only the default, 1, has a later form);</li>
 *   <li>before 10: {@code Slice}'s {@code starts}, {@code ends}, {@code axes} and {@code TopK}'s {@code k} become
 *       inputs;</li>
 *   <li>before 11: {@code Pad}'s {@code pads} and {@code value}, {@code Clip}'s {@code min} and {@code max} become
 *       inputs; {@code Resize} gets its {@code roi} input and the coordinate mode opset 10 implied
 *       ({@code asymmetric}, nearest rounding down); {@code Upsample} becomes that {@code Resize};
 *       {@code Scatter} is {@code ScatterElements}; an opset-8 {@code Scan} is refused;</li>
 *   <li>before 13: {@code Squeeze}, {@code Unsqueeze}, {@code ReduceSum}: the {@code axes} attribute becomes an
 *       input; {@code Split}: the {@code split} attribute becomes an input; {@code Softmax}, {@code LogSoftmax},
 *       {@code Hardmax}: before 13 they work on the input flattened to 2-D at {@code axis} (default 1), from 13 on
 *       one axis (default -1), so unless the axis is provably the last one the node becomes Flatten → op(axis=1) →
 *       Reshape to the input's shape; {@code Dropout}: the {@code ratio} attribute is dropped (inference ignores
 *       it).</li>
 * </ul>
 * Every other operator keeps its meaning (the changes are added element types, attributes with the old default,
 * and wider broadcasting). Opsets before 6 are refused. Subgraphs are rewritten too. Checked against ONNX's operator tests ({@code docs/onnx-operator-tests.md}).
 */
public final class OpsetUpgrade {
    /** The opset models are raised to. */
    public static final long TARGET = 13;
    /** The oldest opset that can be raised. */
    public static final long OLDEST = 6;
    private final UniqueNames names;
    private final Map<String, Integer> types;

    private OpsetUpgrade(GraphProto main) {
        this.names = new UniqueNames(main);
        this.types = ElementTypeInference.infer(main);
    }

    /** The model's default-domain opset version. */
    public static long defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (GraphIndex.isDefaultDomain(o.getDomain())) {
                return o.getVersion();
            }
        }
        throw new Trt4jException("model '" + model.getGraph().getName() + "' imports no default-domain opset");
    }

    /**
     * The model at opset 13; unchanged if it already is at 13 or later.
     *
     * @throws Trt4jException if the opset is before 7, or a node cannot be carried over (naming it)
     */
    public static ModelProto toTarget(ModelProto model) {
        long opset = defaultOpset(model);
        if (opset >= TARGET) {
            return model;
        }
        if (opset < OLDEST) {
            throw new Trt4jException("model '" + model.getGraph().getName() + "' has opset " + opset
                    + "; trt4j raises opsets from " + OLDEST + " on; re-export the model at opset 13 or later");
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
        StaticRanks ranks = new StaticRanks(graph);
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = withUpgradedSubgraphs(graph.getNode(i), opset);
            if (!GraphIndex.isDefaultDomain(n.getDomain())) {
                nodes.add(n);
                continue;
            }
            String label = GraphIndex.label(n, i);
            ranks.follow(n);
            if (opset < 7) {
                n = fromOpset6(n, label, ranks, nodes);
            }
            switch (n.getOpType()) {
                case "Squeeze", "Unsqueeze", "ReduceSum" -> moveIntsToInput(n, label, "axes", 1, nodes);
                case "Split" -> moveIntsToInput(n, label, "split", 1, nodes);
                case "Softmax", "LogSoftmax", "Hardmax" -> upgradeSoftmax(n, label, ranks, nodes);
                case "Dropout" -> nodes.add(Attributes.without(n, "ratio").build());
                case "BatchNormalization" -> nodes.add(opset < 9 ? withoutSpatial(n, label) : n);
                case "Slice" -> nodes.add(opset < 10 ? sliceInputs(n, label, nodes) : n);
                case "TopK" -> nodes.add(opset < 10 ? topKInput(n, label, nodes) : n);
                case "Pad" -> nodes.add(opset < 11 ? padInputs(n, label, nodes) : n);
                case "Clip" -> nodes.add(opset < 11 ? clipInputs(n, label, nodes) : n);
                case "Resize" -> nodes.add(opset < 11 ? resizeWithRoi(n, label, n.getInput(1), nodes) : n);
                case "Upsample" -> nodes.add(upsampleAsResize(n, label, nodes));
                case "Scatter" -> nodes.add(n.toBuilder().setOpType("ScatterElements").build());
                case "Scan" -> {
                    if (opset < 9) {
                        throw new Trt4jException("node '" + label + "' (Scan) is in its opset-8 form, whose batch "
                                + "axis and sequence lengths opset 9 dropped; re-export the model");
                    }
                    nodes.add(n);
                }
                default -> nodes.add(n);
            }
        }
        return graph.toBuilder().clearNode().addAllNode(nodes).build();
    }

    private NodeProto withUpgradedSubgraphs(NodeProto n, long opset) {
        if (!ControlFlow.holdsBody(n)) {
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
        String tensor = int64Constant(label, attribute, a.get().getIntsList(), out);
        NodeProto.Builder b = Attributes.without(n, attribute);
        while (b.getInputCount() < position) {
            b.addInput("");
        }
        out.add(b.addInput(tensor).build());
    }

    /**
     * The opset-7 form of an opset-6 node: arithmetic and comparisons broadcast NumPy-style instead of by the
     * {@code broadcast} and {@code axis} attributes, so a second input aligned at an inner axis gets trailing
     * dimensions of 1; PRelu's per-channel slope likewise; Gemm, BatchNormalization and Dropout lose attributes
     * that opset 7 dropped.
     */
    private NodeProto fromOpset6(NodeProto n, String label, StaticRanks ranks, List<NodeProto> out) {
        String op = n.getOpType();
        if (StaticRanks.BROADCAST_BY_ATTRIBUTE.contains(op)) {
            NodeProto.Builder b = Attributes.without(Attributes.without(n, "broadcast").build(), "axis");
            Optional<AttributeProto> axis = Attributes.find(n, "axis");
            if (Attributes.getInt(n, "broadcast", 0) == 1 && axis.isPresent()) {
                Integer ra = ranks.get(n.getInput(0));
                Integer rb = ranks.get(n.getInput(1));
                if (ra == null || rb == null) {
                    throw new Trt4jException("node '" + label + "' (" + op + ") broadcasts along axis "
                            + axis.get().getI() + ", which needs the ranks of its inputs; the model does not declare "
                            + "them: re-export it at opset 7 or later");
                }
                long at = axis.get().getI() < 0 ? axis.get().getI() + ra : axis.get().getI();
                b.setInput(1, withTrailingOnes(n.getInput(1), rb, (int) (ra - at - rb), label, out));
            }
            return b.build();
        }
        return switch (op) {
            case "PRelu" -> {
                Integer rx = ranks.get(n.getInput(0));
                Integer rs = ranks.get(n.getInput(1));
                yield rx != null && rs != null && rs == 1 && rx >= 3
                        ? n.toBuilder().setInput(1, withTrailingOnes(n.getInput(1), 1, rx - 2, label, out)).build()
                        : n;
            }
            case "Gemm" -> Attributes.without(n, "broadcast").build();
            case "BatchNormalization" -> Attributes.without(Attributes.without(n, "is_test").build(),
                    "consumed_inputs").build();
            case "Dropout" -> Attributes.without(n, "is_test").build();
            case "Upsample" -> throw new Trt4jException("node '" + label + "' (Upsample) is in its experimental "
                    + "opset-1 form; re-export the model at opset 7 or later");
            default -> n;
        };
    }

    /** {@code tensor} (of rank {@code rank}) with {@code ones} trailing dimensions of 1, through an Unsqueeze. */
    private String withTrailingOnes(String tensor, int rank, int ones, String label, List<NodeProto> out) {
        if (ones <= 0) {
            return tensor;
        }
        List<Long> axes = new ArrayList<>();
        for (int k = 0; k < ones; k++) {
            axes.add((long) rank + k);
        }
        String axesTensor = int64Constant(label, "broadcast_axes", axes, out);
        String result = names.take(tensor + "_aligned");
        out.add(NodeProto.newBuilder().setOpType("Unsqueeze").setName(names.take(result + "_Unsqueeze"))
                .addInput(tensor).addInput(axesTensor).addOutput(result).build());
        return result;
    }

    private NodeProto withoutSpatial(NodeProto n, String label) {
        if (Attributes.getInt(n, "spatial", 1) != 1) {
            throw new Trt4jException("node '" + label + "' (BatchNormalization) has spatial=0, which opset 9 and "
                    + "later cannot express; re-export the model");
        }
        return Attributes.without(n, "spatial").build();
    }

    /** Slice-1's attributes as Slice-10's inputs (data, starts, ends[, axes]). */
    private NodeProto sliceInputs(NodeProto n, String label, List<NodeProto> out) {
        NodeProto.Builder b = n.toBuilder().clearAttribute().clearInput().addInput(n.getInput(0));
        for (String name : List.of("starts", "ends", "axes")) {
            Optional<AttributeProto> a = Attributes.find(n, name);
            if (a.isPresent()) {
                b.addInput(int64Constant(label, name, a.get().getIntsList(), out));
            } else if (!name.equals("axes")) {
                throw new Trt4jException("node '" + label + "' (Slice) has no '" + name + "'; the model is invalid");
            }
        }
        return b.build();
    }

    /** TopK-1's {@code k} attribute as TopK-10's input {@code K} (a 1-element int64 tensor). */
    private NodeProto topKInput(NodeProto n, String label, List<NodeProto> out) {
        long k = Attributes.find(n, "k").orElseThrow(() -> new Trt4jException("node '" + label
                + "' (TopK) has no 'k'; the model is invalid")).getI();
        return Attributes.without(n, "k").addInput(int64Constant(label, "k", List.of(k), out)).build();
    }

    /** Pad-2's {@code pads} and {@code value} attributes as Pad-11's inputs. */
    private NodeProto padInputs(NodeProto n, String label, List<NodeProto> out) {
        List<Long> pads = Attributes.find(n, "pads").orElseThrow(() -> new Trt4jException("node '" + label
                + "' (Pad) has no 'pads'; the model is invalid")).getIntsList();
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        n.getAttributeList().stream().filter(a -> a.getName().equals("mode")).forEach(b::addAttribute);
        b.addInput(int64Constant(label, "pads", pads, out));
        float value = Attributes.getFloat(n, "value", 0f);
        if (value != 0f) {
            b.addInput(scalarLike(n.getInput(0), label, "value", value, out));
        }
        return b.build();
    }

    /** Clip-6's {@code min} and {@code max} attributes as Clip-11's inputs. */
    private NodeProto clipInputs(NodeProto n, String label, List<NodeProto> out) {
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        Optional<AttributeProto> min = Attributes.find(n, "min");
        Optional<AttributeProto> max = Attributes.find(n, "max");
        if (min.isPresent() || max.isPresent()) {
            b.addInput(min.isPresent() ? scalarLike(n.getInput(0), label, "min", min.get().getF(), out) : "");
        }
        if (max.isPresent()) {
            b.addInput(scalarLike(n.getInput(0), label, "max", max.get().getF(), out));
        }
        return b.build();
    }

    /** Upsample (opset 7–10: scales as attribute or input) as the Resize it is equivalent to. */
    private NodeProto upsampleAsResize(NodeProto n, String label, List<NodeProto> out) {
        String scales;
        Optional<AttributeProto> attribute = Attributes.find(n, "scales");
        if (attribute.isPresent()) {
            float[] values = new float[attribute.get().getFloatsCount()];
            for (int k = 0; k < values.length; k++) {
                values[k] = attribute.get().getFloats(k);
            }
            scales = names.take(label + "_scales");
            out.add(constant(names.take(scales + "_Constant"), scales,
                    TensorValues.floatTensor("", List.of((long) values.length), values)));
        } else if (n.getInputCount() >= 2) {
            scales = n.getInput(1);
        } else {
            throw new Trt4jException("node '" + label + "' (Upsample) has no scales; the model is invalid");
        }
        NodeProto.Builder mode = n.toBuilder().clearAttribute().setOpType("Resize");
        n.getAttributeList().stream().filter(a -> a.getName().equals("mode")).forEach(mode::addAttribute);
        return resizeWithRoi(mode.build(), label, scales, out);
    }

    /**
     * Resize in the opset-11 form (X, roi, scales) for a Resize-10 or Upsample node {@code n} with the given scales:
     * opset 10 meant asymmetric coordinates and, for nearest, rounding down; the roi is empty (it only matters for
     * tf_crop_and_resize).
     */
    private NodeProto resizeWithRoi(NodeProto n, String label, String scales, List<NodeProto> out) {
        String roi = names.take(label + "_roi");
        out.add(constant(names.take(roi + "_Constant"), roi, TensorValues.floatTensor("", List.of(0L), new float[0])));
        String mode = Attributes.find(n, "mode").map(a -> a.getS().toStringUtf8()).orElse("nearest");
        NodeProto.Builder b = n.toBuilder().clearInput().addInput(n.getInput(0)).addInput(roi).addInput(scales)
                .addAttribute(Attributes.ofString("coordinate_transformation_mode", "asymmetric"));
        if (mode.equals("nearest")) {
            b.addAttribute(Attributes.ofString("nearest_mode", "floor"));
        }
        return b.build();
    }

    private String int64Constant(String label, String what, List<Long> values, List<NodeProto> out) {
        String tensor = names.take(label + "_" + what);
        out.add(constant(names.take(tensor + "_Constant"), tensor, TensorValues.int64Vector("", values)));
        return tensor;
    }

    /** A scalar constant of the element type of {@code like} (FLOAT or FLOAT16), for Pad and Clip. */
    private String scalarLike(String like, String label, String what, float value, List<NodeProto> out) {
        Integer type = types.getOrDefault(like, TensorProto.DataType.FLOAT_VALUE);
        TensorProto t;
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            t = TensorValues.floatTensor("", List.of(), new float[] {value});
        } else if (type == TensorProto.DataType.FLOAT16_VALUE) {
            t = TensorValues.float16Tensor("", List.of(), new float[] {value});
        } else {
            throw new Trt4jException("node '" + label + "': cannot carry its '" + what + "' over to opset 11 for an"
                    + " input of type " + TensorProto.DataType.forNumber(type));
        }
        String tensor = names.take(label + "_" + what);
        out.add(constant(names.take(tensor + "_Constant"), tensor, t));
        return tensor;
    }

    private void upgradeSoftmax(NodeProto n, String label, StaticRanks ranks, List<NodeProto> out) {
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
}
