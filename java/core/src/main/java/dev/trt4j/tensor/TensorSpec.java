package dev.trt4j.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Name, element type and shape of a model input or output. A dimension of {@code -1} is dynamic; its symbolic
 * name (e.g. {@code "batch"}) is kept in {@code dimNames} when the model gives one ({@code null} otherwise).
 */
public record TensorSpec(String name, ElementType type, long[] dims, List<String> dimNames) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
        dimNames = dimNames == null ? java.util.Collections.nCopies(dims.length, null)
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(dimNames));
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** True if any dimension is dynamic. */
    public boolean isDynamic() {
        return Arrays.stream(dims).anyMatch(d -> d < 0);
    }

    /** True if a tensor of {@code shape} fits this spec: the same rank, and every fixed dimension equal. */
    public boolean accepts(long[] shape) {
        if (shape.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && dims[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** Shape as text, dynamic dims by name or {@code ?}: {@code [batch,3,48,?]}. */
    public String shapeText() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            if (dims[i] >= 0) {
                sb.append(dims[i]);
            } else {
                String n = dimNames.get(i);
                sb.append(n == null || n.isEmpty() ? "?" : n);
            }
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && dimNames.equals(t.dimNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), dimNames);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeText();
    }
}
