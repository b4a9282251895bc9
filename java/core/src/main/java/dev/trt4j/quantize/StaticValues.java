package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.onnx.ControlFlow;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tensors of a graph have values that follow from its constants and from the fixed shapes of its inputs:
 * constants and what is computed from them, and what {@code Shape} and {@code Size} read off tensors whose shapes are
 * fixed. A tensor's shape is fixed when its inputs' shapes are, and so are the values that set its shape
 * ({@code Reshape}'s target, {@code Slice}'s bounds, …); operators whose output shape depends on data
 * ({@code NonZero}, {@code Unique}, control flow, …) end that.
 */
final class StaticValues {
    private static final Set<String> DATA_DEPENDENT_SHAPES = Set.of("NonZero", "Unique", "NonMaxSuppression",
            "Compress", "Loop", "Scan", "If", "StringSplit");
    private static final Set<String> RANDOM = Set.of("RandomNormal", "RandomNormalLike", "RandomUniform",
            "RandomUniformLike", "Bernoulli", "Multinomial");
    /** Input positions whose values set the output's shape. */
    private static final Map<String, List<Integer>> SHAPE_SETTING_INPUTS = Map.ofEntries(
            Map.entry("Reshape", List.of(1)), Map.entry("Expand", List.of(1)), Map.entry("Tile", List.of(1)),
            Map.entry("Slice", List.of(1, 2, 3, 4)), Map.entry("Pad", List.of(1, 3)),
            Map.entry("ConstantOfShape", List.of(0)), Map.entry("Resize", List.of(1, 2, 3)),
            Map.entry("Upsample", List.of(1)), Map.entry("Range", List.of(0, 1, 2)), Map.entry("OneHot", List.of(1)),
            Map.entry("TopK", List.of(1)), Map.entry("Squeeze", List.of(1)), Map.entry("Unsqueeze", List.of(1)),
            Map.entry("Split", List.of(1)), Map.entry("CenterCropPad", List.of(1)),
            Map.entry("ReduceSum", List.of(1)), Map.entry("ReduceMean", List.of(1)), Map.entry("ReduceMax", List.of(1)),
            Map.entry("ReduceMin", List.of(1)), Map.entry("ReduceProd", List.of(1)), Map.entry("ReduceL1", List.of(1)),
            Map.entry("ReduceL2", List.of(1)), Map.entry("ReduceLogSum", List.of(1)),
            Map.entry("ReduceLogSumExp", List.of(1)), Map.entry("ReduceSumSquare", List.of(1)));

    private final Set<String> values = new HashSet<>();
    private final Set<String> shapes = new HashSet<>();

    StaticValues(GraphIndex index) {
        for (ValueInfoProto input : index.graph().getInputList()) {
            if (fixed(input)) {
                shapes.add(input.getName());
            }
        }
        index.graph().getInitializerList().forEach(t -> {
            values.add(t.getName());
            shapes.add(t.getName());
        });
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            boolean standard = GraphIndex.isDefaultDomain(n.getDomain()) && !ControlFlow.holdsBody(n);
            String op = n.getOpType();
            boolean shapeKnown = standard && !DATA_DEPENDENT_SHAPES.contains(op)
                    && n.getInputList().stream().allMatch(t -> t.isEmpty() || shapes.contains(t));
            for (int k : SHAPE_SETTING_INPUTS.getOrDefault(op, List.of())) {
                if (k < n.getInputCount() && !n.getInput(k).isEmpty() && !values.contains(n.getInput(k))) {
                    shapeKnown = false;
                }
            }
            boolean valueKnown = standard && !RANDOM.contains(op)
                    && ((op.equals("Shape") || op.equals("Size")) ? shapes.contains(n.getInput(0))
                    : n.getInputList().stream().allMatch(t -> t.isEmpty() || values.contains(t)));
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && (shapeKnown || valueKnown)) {
                    shapes.add(out);
                }
                if (!out.isEmpty() && valueKnown) {
                    values.add(out);
                }
            }
        }
    }

    /** True if {@code tensor}'s value follows from constants and fixed input shapes. */
    boolean value(String tensor) {
        return values.contains(tensor);
    }

    private static boolean fixed(ValueInfoProto input) {
        if (!input.getType().hasTensorType() || !input.getType().getTensorType().hasShape()) {
            return false;
        }
        for (TensorShapeProto.Dimension d : input.getType().getTensorType().getShape().getDimList()) {
            if (!d.hasDimValue() || d.getDimValue() < 0) {
                return false;
            }
        }
        return true;
    }
}
