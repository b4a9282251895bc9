package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Works out the element type of every tensor of a graph from what the model declares (inputs, outputs,
 * {@code value_info}, initializers, constants) and, for undeclared node outputs, from the type rules of the
 * standard ONNX operators. Outputs of operators outside these rules (other domains, control flow) stay unknown;
 * {@link #inferAll} asks ONNX Runtime about those.
 */
public final class ElementTypeInference {
    /** Standard operators whose every output has the element type of their first input. */
    private static final Set<String> SAME_AS_FIRST_INPUT = Set.of(
            "Abs", "Acos", "Acosh", "Add", "AffineGrid", "And", "Asin", "Asinh", "Atan", "Atanh", "AveragePool",
            "BatchNormalization", "BitShift", "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "Ceil", "Celu",
            "CenterCropPad", "Clip", "Col2Im", "Compress", "Concat", "Conv", "ConvTranspose", "Cos", "Cosh",
            "CumSum", "DeformConv", "DepthToSpace", "Det", "Div", "Einsum", "Elu", "Erf", "Exp", "Expand",
            "Flatten", "Floor", "GRU", "Gather", "GatherElements", "GatherND", "Gelu", "Gemm", "GlobalAveragePool",
            "GlobalLpPool", "GlobalMaxPool", "GridSample", "GroupNormalization", "HardSigmoid", "HardSwish",
            "Hardmax", "Identity", "InstanceNormalization", "LRN", "LSTM", "LayerNormalization", "LeakyRelu", "Log",
            "LogSoftmax", "LpNormalization", "LpPool", "MatMul", "Max", "MaxRoiPool", "MaxUnpool", "Mean",
            "MeanVarianceNormalization", "Min", "Mish", "Mod", "Mul", "Neg", "Not", "Or", "PRelu", "Pad", "Pow",
            "RNN", "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
            "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu", "Reshape", "Resize",
            "ReverseSequence", "RoiAlign", "Round", "RMSNormalization", "Scatter", "ScatterElements", "ScatterND",
            "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Slice", "Softmax", "Softplus", "Softsign",
            "SpaceToDepth", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Swish", "Tan", "Tanh", "ThresholdedRelu",
            "Tile", "Transpose", "Trilu", "Unsqueeze", "Upsample", "Xor");

    /** Standard operators whose first output is the first input's type and whose other outputs are int64. */
    private static final Set<String> FIRST_SAME_REST_INT64 = Set.of("MaxPool", "TopK", "Unique");

    private static final Set<String> INT64_OUTPUTS = Set.of("ArgMax", "ArgMin", "NonMaxSuppression", "NonZero",
            "Shape", "Size");

    private static final Set<String> BOOL_OUTPUTS = Set.of("Equal", "Greater", "GreaterOrEqual", "IsInf", "IsNaN",
            "Less", "LessOrEqual");

    private static final Logger LOG = LoggerFactory.getLogger(ElementTypeInference.class);

    private ElementTypeInference() {
    }

    /**
     * Element types of every tensor of the top-level graph: declared, by rule, or else from ONNX Runtime. Tensors
     * that stay unknown (ONNX Runtime cannot load the model, or cannot type them either) are left out.
     */
    public static Map<String, Integer> inferAll(ModelProto model) {
        return inferAll(model, null);
    }

    /**
     * As {@link #inferAll(ModelProto)}, for a model some of whose tensors stay in data files in
     * {@code externalDataFolder} (null where none do).
     */
    static Map<String, Integer> inferAll(ModelProto model, Path externalDataFolder) {
        Map<String, Integer> types = infer(model.getGraph());
        List<String> unknown = untyped(model, types);
        if (!unknown.isEmpty()) {
            try {
                types.putAll(OrtTypeProbe.probe(model, unknown, externalDataFolder));
            } catch (Exception e) {
                LOG.debug("ONNX Runtime could not type {} tensors of '{}': {}", unknown.size(),
                        model.getGraph().getName(), e.getMessage());
            }
        }
        return types;
    }

    /** Node outputs of {@code model} that {@code types} leaves out, in graph order. */
    static List<String> untyped(ModelProto model, Map<String, Integer> types) {
        List<String> unknown = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && !types.containsKey(out)) {
                    unknown.add(out);
                }
            }
        }
        return unknown;
    }

    /**
     * Why {@code untyped} have no type, where a node says it: the first node, in graph order, that outputs one of them
     * with an operator outside ONNX's own domain (a TensorRT plugin), whose output types no ONNX rule gives; the
     * tensors computed from its outputs follow it. Empty where no such node outputs one (a control-flow node does).
     */
    static Optional<String> untypedCause(ModelProto model, List<String> untyped) {
        Set<String> unknown = new HashSet<>(untyped);
        List<NodeProto> nodes = model.getGraph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            if (!standard && node.getOutputList().stream().anyMatch(unknown::contains)) {
                String label = node.getName().isEmpty() ? node.getOpType() + "#" + i : node.getName();
                return Optional.of("node '" + label + "' has operator " + node.getOpType() + " of domain '"
                        + node.getDomain() + "', whose output types ONNX cannot infer");
            }
        }
        return Optional.empty();
    }

    /** Element types (ONNX data type numbers) of every tensor whose type is known or follows from the rules. */
    public static Map<String, Integer> infer(GraphProto g) {
        Map<String, Integer> types = new LinkedHashMap<>();
        for (ValueInfoProto v : g.getInputList()) {
            declared(types, v);
        }
        for (TensorProto t : g.getInitializerList()) {
            types.put(t.getName(), t.getDataType());
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            types.put(t.getValues().getName(), t.getValues().getDataType());
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            declared(types, v);
        }
        for (ValueInfoProto v : g.getOutputList()) {
            declared(types, v);
        }
        for (NodeProto node : g.getNodeList()) {
            boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            for (int i = 0; i < node.getOutputCount(); i++) {
                String out = node.getOutput(i);
                if (out.isEmpty() || types.containsKey(out) || !standard) {
                    continue;
                }
                Integer t = rule(node, i, types);
                if (t != null && t != DataType.UNDEFINED_VALUE) {
                    types.put(out, t);
                }
            }
        }
        return types;
    }

    private static void declared(Map<String, Integer> types, ValueInfoProto v) {
        if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != DataType.UNDEFINED_VALUE) {
            types.put(v.getName(), v.getType().getTensorType().getElemType());
        }
    }

    private static Integer rule(NodeProto node, int output, Map<String, Integer> types) {
        String op = node.getOpType();
        if (SAME_AS_FIRST_INPUT.contains(op)) {
            return input(node, 0, types);
        }
        if (FIRST_SAME_REST_INT64.contains(op)) {
            // Integer.valueOf: with a bare int the conditional unboxes an unknown (null) first input and throws
            return output == 0 ? input(node, 0, types) : Integer.valueOf(DataType.INT64_VALUE);
        }
        if (INT64_OUTPUTS.contains(op)) {
            return DataType.INT64_VALUE;
        }
        if (BOOL_OUTPUTS.contains(op)) {
            return DataType.BOOL_VALUE;
        }
        return switch (op) {
            case "Constant" -> constantType(node);
            case "Cast" -> castTarget(node);
            case "CastLike" -> input(node, 1, types);
            case "Where" -> input(node, 1, types);
            case "Dropout" -> output == 0 ? input(node, 0, types) : Integer.valueOf(DataType.BOOL_VALUE);
            case "ConstantOfShape" -> {
                AttributeProto value = attribute(node, "value");
                yield value == null ? DataType.FLOAT_VALUE : value.getT().getDataType();
            }
            case "EyeLike", "RandomNormalLike", "RandomUniformLike" -> intAttribute(node, "dtype",
                    input(node, 0, types));
            case "RandomNormal", "RandomUniform" -> intAttribute(node, "dtype", DataType.FLOAT_VALUE);
            case "Multinomial" -> intAttribute(node, "dtype", DataType.INT32_VALUE);
            case "DequantizeLinear" -> input(node, 1, types);
            case "QuantizeLinear" -> node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                    ? input(node, 2, types) : intAttribute(node, "output_dtype", DataType.UINT8_VALUE);
            case "DynamicQuantizeLinear" -> output == 1 ? DataType.FLOAT_VALUE : DataType.UINT8_VALUE;
            case "MatMulInteger", "ConvInteger" -> DataType.INT32_VALUE;
            case "QLinearConv", "QLinearMatMul" -> input(node, 7, types);
            default -> null;
        };
    }

    /** {@code Cast}'s {@code to}: an integer since opset 6, the type's name before. */
    public static Integer castTarget(NodeProto node) {
        AttributeProto to = attribute(node, "to");
        if (to == null) {
            return null;
        }
        if (to.getType() != AttributeProto.AttributeType.STRING) {
            return (int) to.getI();
        }
        try {
            return DataType.valueOf(to.getS().toStringUtf8()).getNumber();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Integer constantType(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.getT().getDataType();
                case "value_float", "value_floats":
                    return DataType.FLOAT_VALUE;
                case "value_int", "value_ints":
                    return DataType.INT64_VALUE;
                case "value_string", "value_strings":
                    return DataType.STRING_VALUE;
                default:
                    break;
            }
        }
        return null;
    }

    private static Integer input(NodeProto node, int index, Map<String, Integer> types) {
        return index < node.getInputCount() ? types.get(node.getInput(index)) : null;
    }

    private static Integer intAttribute(NodeProto node, String name, Integer fallback) {
        AttributeProto a = attribute(node, name);
        return a == null ? fallback : Integer.valueOf((int) a.getI());
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
