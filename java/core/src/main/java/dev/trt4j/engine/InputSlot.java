package dev.trt4j.engine;

import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.util.Arrays;
import java.util.Objects;

/** One engine input as it is staged in host memory: name, element type and concrete shape. */
public record InputSlot(String name, ElementType type, long[] shape) {
    /**
     * Copies {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative or the element count overflows
     */
    public InputSlot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        HostTensor.elementCount(shape);
    }

    /** The concrete shape, a copy. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes one sample batch of this input occupies. */
    public long byteSize() {
        return Math.multiplyExact(HostTensor.elementCount(shape), (long) type.bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSlot s && name.equals(s.name) && type == s.type && Arrays.equals(shape, s.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape);
    }
}
