package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ranks of a graph's tensors where the graph declares them or simple rules derive them, followed node by node in
 * graph order ({@link #follow}). {@link OpsetUpgrade} needs them to tell whether a Softmax's axis is the last one:
 * exporters build attention's Reshape targets from {@code Shape → Gather → Unsqueeze → Concat}, so the lengths of
 * such 1-D shape tensors are followed too, and a Reshape's rank is the length of its target.
 */
final class StaticRanks {
    /** Opset-6 operators that broadcast only when asked, along an axis the node names. */
    static final Set<String> BROADCAST_BY_ATTRIBUTE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "And", "Or",
            "Xor", "Equal", "Greater", "Less");
    /** Operators whose output has the rank of their first input. */
    private static final Set<String> SAME_RANK = Set.of("Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh",
            "Softplus", "Softsign", "Abs", "Neg", "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Dropout",
            "BatchNormalization", "InstanceNormalization", "LRN", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
            "LpPool", "GlobalAveragePool", "GlobalMaxPool", "Clip", "PRelu", "Pad", "Softmax", "LogSoftmax",
            "Hardmax", "Identity", "Cast", "HardSigmoid", "ThresholdedRelu", "Transpose", "Concat", "Tile", "Erf",
            "Not");

    private final Map<String, Integer> ranks = new HashMap<>();
    /** Number of elements of 1-D tensors whose length is known (shape tensors). */
    private final Map<String, Long> lengths = new HashMap<>();

    StaticRanks(GraphProto g) {
        List<ValueInfoProto> declared = new ArrayList<>(g.getInputList());
        declared.addAll(g.getValueInfoList());
        declared.addAll(g.getOutputList());
        for (ValueInfoProto v : declared) {
            if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                ranks.put(v.getName(), v.getType().getTensorType().getShape().getDimCount());
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            known(t.getName(), t);
        }
    }

    /** The rank of {@code tensor}, or null if it is not known. */
    Integer get(String tensor) {
        return ranks.get(tensor);
    }

    /** Records the rank of {@code n}'s first output where the rules give it (call before the node is rewritten). */
    void follow(NodeProto n) {
        if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty() || ranks.containsKey(n.getOutput(0))) {
            return;
        }
        String out = n.getOutput(0);
        String op = n.getOpType();
        if (op.equals("Constant")) {
            GraphIndex.constantNodeValue(n).ifPresent(t -> known(out, t));
            return;
        }
        if (n.getInputCount() == 0) {
            return;
        }
        Integer first = ranks.get(n.getInput(0));
        Integer second = n.getInputCount() > 1 ? ranks.get(n.getInput(1)) : null;
        Integer rank = null;
        if (SAME_RANK.contains(op)) {
            rank = first;
            Long total = op.equals("Concat") && first != null && first == 1 ? sumOfLengths(n.getInputList()) : null;
            if (total != null) {
                lengths.put(out, total);
            }
        } else if (BROADCAST_BY_ATTRIBUTE.contains(op)) {
            if (first != null && second != null) {
                rank = Math.max(first, second);
            } else if (first != null && Attributes.find(n, "axis").isPresent()) {
                rank = first; // opset 6: the second input is aligned inside the first
            }
        } else if (op.equals("MatMul") && first != null && second != null) {
            rank = first == 1 && second == 1 ? 0 : first == 1 ? second - 1 : second == 1 ? first - 1
                    : Math.max(first, second);
        } else if (op.equals("Gemm") || op.equals("Flatten")) {
            rank = 2;
        } else if (op.equals("Shape")) {
            rank = 1;
            if (first != null) {
                lengths.put(out, (long) first);
            }
        } else if (op.equals("Gather") && first != null && second != null) {
            rank = first - 1 + second;
        } else if (op.equals("Unsqueeze") && first != null) {
            Optional<AttributeProto> axes = Attributes.find(n, "axes"); // an attribute before opset 13
            if (axes.isPresent()) {
                rank = first + axes.get().getIntsCount();
                if (first == 0 && rank == 1) {
                    lengths.put(out, 1L);
                }
            }
        } else if (op.equals("Squeeze") && first != null) {
            Optional<AttributeProto> axes = Attributes.find(n, "axes");
            if (axes.isPresent() && axes.get().getIntsCount() > 0) {
                rank = first - axes.get().getIntsCount();
            }
        } else if (op.equals("Reshape") && n.getInputCount() > 1) {
            Long target = lengths.get(n.getInput(1));
            rank = target == null ? null : Math.toIntExact(target);
        }
        if (rank != null && rank >= 0) {
            ranks.put(out, rank);
        }
    }

    private void known(String name, TensorProto t) {
        ranks.put(name, t.getDimsCount());
        if (t.getDimsCount() == 1) {
            lengths.put(name, t.getDims(0));
        }
    }

    /** The total length of 1-D {@code parts}, or null if one is not known. */
    private Long sumOfLengths(List<String> parts) {
        long sum = 0;
        for (String p : parts) {
            Long length = lengths.get(p);
            if (length == null) {
                return null;
            }
            sum += length;
        }
        return sum;
    }
}
