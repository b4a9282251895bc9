package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a graph input or output declaration into a {@link TensorSpec}. Dimensions without a fixed value become -1,
 * keeping their symbolic name when the model gives one (some exporters write {@code dim_value: -1}).
 */
final class ValueInfoSpecs {
    private ValueInfoSpecs() {
    }

    /** The type of {@code v} in words where trt4j does not carry it ("DOUBLE", "not a tensor"); empty where it does. */
    static Optional<String> unhandledType(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return Optional.of("not a tensor");
        }
        int type = v.getType().getTensorType().getElemType();
        return OnnxElementTypes.toElementType(type).isPresent() ? Optional.empty()
                : Optional.of(OnnxElementTypes.name(type));
    }

    /**
     * @param role "input" or "output", for the error message
     * @throws Trt4jException if the value is not a tensor of an element type trt4j handles
     */
    static TensorSpec toSpec(ValueInfoProto v, String role, Path model) {
        boolean tensor = v.getType().hasTensorType();
        int type = tensor ? v.getType().getTensorType().getElemType() : 0;
        ElementType elementType = OnnxElementTypes.toElementType(type).orElseThrow(() -> new Trt4jException(model
                + ": " + role + " '" + v.getName() + "' is " + (tensor ? OnnxElementTypes.name(type) : "not a tensor")
                + ", which trt4j does not handle"));
        TensorShapeProto shape = v.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            boolean fixed = d.hasDimValue() && d.getDimValue() >= 0;
            dims[i] = fixed ? d.getDimValue() : -1;
            names.add(d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : null);
        }
        return new TensorSpec(v.getName(), elementType, dims, names);
    }
}
