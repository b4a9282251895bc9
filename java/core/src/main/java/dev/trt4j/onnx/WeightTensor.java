package dev.trt4j.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * The values of one floating-point weight of a model (an initializer or the tensor of a {@code Constant} node),
 * converted to float32, row-major.
 *
 * @param name tensor name
 * @param dims the tensor's dimensions ({@code []} for a scalar)
 * @param data the values; shared, not copied, so do not modify
 */
public record WeightTensor(String name, long[] dims, float[] data) {
    /**
     * Copies {@code dims}.
     *
     * @param name tensor name
     * @param dims the tensor's dimensions ({@code []} for a scalar)
     * @param data the values; shared, not copied, so do not modify
     * @throws IllegalArgumentException if {@code dims} does not hold exactly {@code data.length} values
     */
    public WeightTensor {
        Objects.requireNonNull(name, "name");
        dims = dims.clone();
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        if (n != data.length) {
            throw new IllegalArgumentException("weight '" + name + "': dims " + Arrays.toString(dims) + " hold " + n
                    + " values but the data has " + data.length);
        }
    }

    /** The shape, a copy. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Number of values. */
    public int elementCount() {
        return data.length;
    }

    /** Largest |value| (0 for an empty tensor). */
    public float absMax() {
        float m = 0f;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor w && name.equals(w.name) && Arrays.equals(dims, w.dims)
                && Arrays.equals(data, w.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dims), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "WeightTensor[" + name + " " + Arrays.toString(dims) + "]";
    }
}
