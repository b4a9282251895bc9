package dev.trt4j.triton;

import dev.trt4j.tensor.ElementType;

import java.util.Arrays;
import java.util.Objects;

/**
 * One input or output of a Triton model configuration.
 *
 * @param name the tensor name, as in the engine
 * @param type the element type
 * @param dims the dimensions Triton sees: without the batch dimension when the model batches, {@code -1} where the
 *             engine's profile lets a dimension vary
 */
public record TritonTensor(String name, ElementType type, long[] dims) {
    public TritonTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
    }

    /** The dimensions, without the batch dimension when the model batches; a copy. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Triton's {@code data_type} for the element type, e.g. {@code TYPE_FP32}. */
    public String tritonType() {
        return switch (type) {
            case FLOAT32 -> "TYPE_FP32";
            case FLOAT16 -> "TYPE_FP16";
            case INT64 -> "TYPE_INT64";
            case INT32 -> "TYPE_INT32";
            case INT8 -> "TYPE_INT8";
            case UINT8 -> "TYPE_UINT8";
            case BOOL -> "TYPE_BOOL";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TritonTensor t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims));
    }
}
