package dev.trt4j.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Name, element type and shape of a model input or output. A dimension of {@code -1} is dynamic; its symbolic
 * name (e.g. {@code "batch"}) is kept in {@code dimNames} when the model gives one ({@code null} otherwise).
 *
 * @param name     the tensor's name in the model
 * @param type     the element type the model declares
 * @param dims     the dimensions, {@code -1} for a dynamic one (copied in and out)
 * @param dimNames a symbolic name per dimension, {@code null} where there is none (unmodifiable); given as null, it
 *                 reads back as a list of nulls, one per dimension
 */
public record TensorSpec(String name, ElementType type, long[] dims, List<String> dimNames) {
    /**
     * Copies {@code dims} and {@code dimNames}; the stored list of names is unmodifiable.
     *
     * @param name     the tensor's name in the model; not null
     * @param type     the element type; not null
     * @param dims     the dimensions, {@code -1} for a dynamic one
     * @param dimNames a symbolic name per dimension ({@code null} entries allowed), or null (or empty) for none
     * @throws NullPointerException     if {@code name}, {@code type} or {@code dims} is null
     * @throws IllegalArgumentException if {@code dimNames} is neither empty nor one entry per dimension
     */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
        if (dimNames != null && dimNames.isEmpty()) {
            dimNames = null;
        }
        if (dimNames != null && dimNames.size() != dims.length) {
            // shapeText() and toString() pair them up
            throw new IllegalArgumentException("tensor '" + name + "': " + dimNames.size() + " dimension names for "
                    + dims.length + " dimensions");
        }
        dimNames = dimNames == null ? java.util.Collections.nCopies(dims.length, null)
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(dimNames));
    }

    /** {@return the dimensions, {@code -1} for a dynamic one (a copy)} */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return dims.length;
    }

    /** {@return true if any dimension is dynamic} */
    public boolean isDynamic() {
        return Arrays.stream(dims).anyMatch(d -> d < 0);
    }

    /**
     * {@return true if a tensor of {@code shape} fits this spec: the same rank, and every fixed dimension equal}
     *
     * @param shape a concrete shape
     */
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

    /**
     * The symbolic name of dynamic dimension {@code i} when it can name a size other inputs share: an identifier
     * such as {@code sequence_length}, not the placeholders some exporters write for every unknown dimension
     * ({@code ?}, {@code -1}); null otherwise.
     */
    public String sharedDimensionName(int i) {
        String name = dims[i] < 0 ? dimNames.get(i) : null;
        return namesASharedSize(name) ? name : null;
    }

    /**
     * Whether a symbolic dimension name ({@code dim_param}) can name a size several inputs share: an identifier, not
     * a placeholder ({@code ?}, {@code -1}) or nothing.
     */
    public static boolean namesASharedSize(String dimParam) {
        return dimParam != null && IDENTIFIER.matcher(dimParam).matches();
    }

    private static final java.util.regex.Pattern IDENTIFIER =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    /** {@return the shape as text, dynamic dims by name or {@code ?}: {@code [batch,3,48,?]}} */
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

    /** {@return true for a spec with the same name, type, dimension values and dimension names} */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && dimNames.equals(t.dimNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), dimNames);
    }

    /** {@return name, type and {@link #shapeText()}, e.g. {@code x FLOAT32 [batch,3,48,?]}} */
    @Override
    public String toString() {
        return name + " " + type + " " + shapeText();
    }
}
