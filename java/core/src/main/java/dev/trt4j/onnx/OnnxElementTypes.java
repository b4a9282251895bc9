package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.tensor.ElementType;

import java.util.Optional;

/** Maps ONNX {@code TensorProto.DataType} numbers to trt4j's element types and to readable names. */
final class OnnxElementTypes {
    private OnnxElementTypes() {
    }

    /** trt4j's element type for an ONNX data type, if trt4j has one. */
    static Optional<ElementType> toElementType(int onnxType) {
        return Optional.ofNullable(switch (onnxType) {
            case DataType.FLOAT_VALUE -> ElementType.FLOAT32;
            case DataType.FLOAT16_VALUE -> ElementType.FLOAT16;
            case DataType.INT64_VALUE -> ElementType.INT64;
            case DataType.INT32_VALUE -> ElementType.INT32;
            case DataType.INT8_VALUE -> ElementType.INT8;
            case DataType.UINT8_VALUE -> ElementType.UINT8;
            case DataType.BOOL_VALUE -> ElementType.BOOL;
            default -> null;
        });
    }

    /**
     * True for the activation types that calibration reads: float32 and float16 (ONNX Runtime's calibrator takes
     * the same two).
     */
    static boolean isCalibratable(int onnxType) {
        return onnxType == DataType.FLOAT_VALUE || onnxType == DataType.FLOAT16_VALUE;
    }

    /** True for floating-point types whose weights {@link FloatTensorDecoder} reads. */
    static boolean isFloatingPoint(int onnxType) {
        return onnxType == DataType.FLOAT_VALUE || onnxType == DataType.FLOAT16_VALUE
                || onnxType == DataType.BFLOAT16_VALUE || onnxType == DataType.DOUBLE_VALUE;
    }

    /** ONNX's name for a data type, e.g. {@code FLOAT16}. */
    static String name(int onnxType) {
        DataType t = DataType.forNumber(onnxType);
        return t == null ? "data type " + onnxType : t.name();
    }
}
