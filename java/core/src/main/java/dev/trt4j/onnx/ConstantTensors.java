package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Optional;

/** The tensor a {@code Constant} node produces, from whichever of its value attributes is set. */
final class ConstantTensors {
    private ConstantTensors() {
    }

    /**
     * The constant's value as a tensor; empty for sparse and string constants, which are not dense numbers.
     */
    static Optional<TensorProto> of(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(constant.getOutput(0));
            switch (a.getName()) {
                case "value":
                    return Optional.of(a.getT());
                case "value_float":
                    return Optional.of(t.setDataType(DataType.FLOAT_VALUE).addFloatData(a.getF()).build());
                case "value_floats":
                    return Optional.of(t.setDataType(DataType.FLOAT_VALUE).addDims(a.getFloatsCount())
                            .addAllFloatData(a.getFloatsList()).build());
                case "value_int":
                    return Optional.of(t.setDataType(DataType.INT64_VALUE).addInt64Data(a.getI()).build());
                case "value_ints":
                    return Optional.of(t.setDataType(DataType.INT64_VALUE).addDims(a.getIntsCount())
                            .addAllInt64Data(a.getIntsList()).build());
                default:
                    break;
            }
        }
        return Optional.empty();
    }
}
