package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Set;

/**
 * The standard operators {@link Fp16Converter} may run in FP16: those whose ONNX type constraints admit float16
 * for every float input and output, and whose FP16 form ONNX Runtime's CPU provider runs. Any other node (an
 * operator outside this list, another domain's, or one of the exceptions below) keeps its FP32 form, with Casts
 * around it, which is always a valid graph.
 */
final class Fp16Operators {
    /**
     * Not listed although standard: {@code Celu} and {@code Range}, whose type constraints leave out float16;
     * recurrent layers, losses, signal processing and the other rarely-inferred operators, which stay FP32 until
     * someone measures them.
     */
    private static final Set<String> FP16 = Set.of(
            "Abs", "Acos", "Acosh", "Add", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh",
            "AveragePool", "BatchNormalization", "Cast", "CastLike", "Ceil", "Clip", "Col2Im", "Compress", "Concat",
            "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "Cosh", "CumSum", "DepthToSpace",
            "DequantizeLinear", "Det", "Div", "Dropout", "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike",
            "Flatten", "Floor", "Gather", "GatherElements", "GatherND", "Gelu", "Gemm", "GlobalAveragePool",
            "GlobalLpPool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "GridSample", "GroupNormalization",
            "HardSigmoid", "HardSwish", "Hardmax", "Identity", "InstanceNormalization", "IsInf", "IsNaN", "LRN",
            "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual", "Log", "LogSoftmax", "LpNormalization",
            "LpPool", "MatMul", "Max", "MaxPool", "MaxRoiPool", "Mean", "MeanVarianceNormalization", "Min", "Mish",
            "Mod", "Mul", "Neg", "NonZero", "Not", "OneHot", "Or", "PRelu", "Pad", "Pow", "QuantizeLinear",
            "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Reciprocal", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
            "ReduceSum", "ReduceSumSquare", "Relu", "Reshape", "Resize", "ReverseSequence", "RoiAlign", "Round",
            "Scatter", "ScatterElements", "ScatterND", "Selu", "Shape", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh",
            "Size", "Slice", "Softmax", "Softplus", "Softsign", "SpaceToDepth", "Split", "Sqrt", "Squeeze", "Sub",
            "Sum", "Tan", "Tanh", "ThresholdedRelu", "Tile", "TopK", "Transpose", "Trilu", "Unique", "Unsqueeze",
            "Upsample", "Where", "Xor");

    /** Scatters that accumulate: FP16 sums lose precision, and ONNX Runtime's CPU kernels refuse them. */
    private static final Set<String> SCATTERS = Set.of("ScatterElements", "ScatterND");

    private Fp16Operators() {
    }

    /** True if node {@code n} may compute in FP16 (its type rules and ONNX Runtime allow it). */
    static boolean allowsFp16(NodeProto n) {
        if (!GraphIndex.isDefaultDomain(n.getDomain()) || !FP16.contains(n.getOpType())) {
            return false;
        }
        if (SCATTERS.contains(n.getOpType())) {
            return Attributes.find(n, "reduction").map(a -> a.getS().toStringUtf8()).orElse("none").equals("none");
        }
        return true;
    }
}
