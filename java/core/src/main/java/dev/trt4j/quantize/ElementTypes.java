package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The element type of every tensor of a graph, from its inputs, constants and per-operator type rules (ONNX
 * Runtime does not expose type inference to Java). Covers the standard operators; an operator it does not know
 * is an error naming the node.
 */
final class ElementTypes {
    /** Operators whose every output has the type of input 0. */
    private static final Set<String> SAME_AS_FIRST_INPUT = Set.of(
            "Abs", "Acos", "Acosh", "Add", "Asin", "Asinh", "Atan", "Atanh", "AveragePool", "BatchNormalization",
            "Ceil", "Celu", "Clip", "Col2Im", "Compress", "Concat", "Conv", "ConvTranspose", "Cos", "Cosh", "CumSum",
            "DepthToSpace", "Det", "Div", "Elu", "Einsum", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather",
            "GatherElements", "GatherND", "Gelu", "Gemm", "GlobalAveragePool", "GlobalLpPool", "GlobalMaxPool",
            "GridSample", "GroupNormalization", "HardSigmoid", "HardSwish", "Hardmax", "Identity",
            "InstanceNormalization", "LRN", "LeakyRelu", "Log", "LogSoftmax", "LpNormalization", "LpPool",
            "MatMul", "Max", "MaxRoiPool", "Mean", "MeanVarianceNormalization", "Min", "Mish", "Mod", "Mul",
            "Neg", "PRelu", "Pad", "Pow", "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum",
            "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum",
            "ReduceSumSquare", "Relu", "Reshape", "Resize", "ReverseSequence", "RoiAlign", "Round", "Scatter",
            "ScatterElements", "ScatterND", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Slice", "Softmax",
            "Softplus", "Softsign", "SpaceToDepth", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tan", "Tanh",
            "ThresholdedRelu", "Tile", "Transpose", "Trilu", "Unsqueeze", "Upsample");
    private static final Set<String> BOOLEAN = Set.of("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");
    private static final Set<String> INT64 = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");

    private ElementTypes() {
    }

    /** Tensor name → ONNX element type ({@link DataType} number) for every tensor of {@code graph}. */
    static Map<String, Integer> infer(GraphProto graph) {
        Map<String, Integer> types = new HashMap<>();
        for (ValueInfoProto v : graph.getInputList()) {
            types.put(v.getName(), v.getType().getTensorType().getElemType());
        }
        for (TensorProto t : graph.getInitializerList()) {
            types.put(t.getName(), t.getDataType());
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (!n.getOutput(k).isEmpty()) {
                    types.put(n.getOutput(k), outputType(n, k, types, i));
                }
            }
        }
        return types;
    }

    private static int outputType(NodeProto n, int output, Map<String, Integer> types, int index) {
        String op = n.getOpType();
        if (!GraphIndex.isDefaultDomain(n.getDomain())) {
            throw unknown(n, index);
        }
        if (BOOLEAN.contains(op)) {
            return DataType.BOOL_VALUE;
        }
        if (INT64.contains(op)) {
            return DataType.INT64_VALUE;
        }
        switch (op) {
            case "Constant":
                return GraphIndex.constantNodeValue(n).map(TensorProto::getDataType).orElseGet(() ->
                        Attributes.find(n, "value_int").or(() -> Attributes.find(n, "value_ints")).isPresent()
                                ? DataType.INT64_VALUE : DataType.STRING_VALUE);
            case "Cast":
                return (int) Attributes.getInt(n, "to", DataType.FLOAT_VALUE);
            case "CastLike":
                return input(n, 1, types, index);
            case "ConstantOfShape":
                return Attributes.find(n, "value").map(a -> a.getT().getDataType()).orElse(DataType.FLOAT_VALUE);
            case "Where":
                return input(n, 1, types, index);
            case "OneHot":
                return input(n, 2, types, index);
            case "QuantizeLinear":
                return n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? input(n, 2, types, index)
                        : DataType.UINT8_VALUE;
            case "DequantizeLinear":
                return input(n, 1, types, index);
            case "EyeLike", "RandomNormalLike", "RandomUniformLike":
                return Attributes.find(n, "dtype").map(a -> (int) a.getI()).orElseGet(() -> input(n, 0, types, index));
            case "RandomNormal", "RandomUniform":
                return (int) Attributes.getInt(n, "dtype", DataType.FLOAT_VALUE);
            case "MaxPool", "TopK", "Unique", "Dropout", "LayerNormalization":
                if (output == 0) {
                    return input(n, 0, types, index);
                }
                if (op.equals("Dropout")) {
                    return DataType.BOOL_VALUE;
                }
                return op.equals("LayerNormalization")
                        ? (int) Attributes.getInt(n, "stash_type", DataType.FLOAT_VALUE) : DataType.INT64_VALUE;
            default:
                if (SAME_AS_FIRST_INPUT.contains(op)) {
                    return input(n, 0, types, index);
                }
                throw unknown(n, index);
        }
    }

    private static int input(NodeProto n, int k, Map<String, Integer> types, int index) {
        Integer t = k < n.getInputCount() ? types.get(n.getInput(k)) : null;
        if (t == null) {
            throw new Trt4jException("cannot tell the element type of input " + k + " of node '"
                    + GraphIndex.label(n, index) + "' (" + n.getOpType() + ")");
        }
        return t;
    }

    private static Trt4jException unknown(NodeProto n, int index) {
        String domain = n.getDomain().isEmpty() ? "" : n.getDomain() + ".";
        boolean control = n.getAttributeList().stream().anyMatch(a -> a.getType() == AttributeProto.AttributeType.GRAPH
                || a.getType() == AttributeProto.AttributeType.GRAPHS);
        return new Trt4jException("FP16 conversion does not support operator " + domain + n.getOpType()
                + (control ? " (control flow)" : "") + " of node '" + GraphIndex.label(n, index) + "'");
    }
}
