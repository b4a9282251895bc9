package dev.trt4j.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Objects;

/**
 * The shapes one input may take in one optimization profile: every dimension satisfies
 * {@code min ≤ opt ≤ max}, and TensorRT tunes its kernels for {@code opt}.
 */
public record ShapeRange(long[] min, long[] opt, long[] max) {
    /**
     * Copies the arrays.
     *
     * @throws IllegalArgumentException if the ranks differ or a dimension breaks {@code 0 ≤ min ≤ opt ≤ max}
     */
    @JsonCreator
    public ShapeRange(@JsonProperty("min") long[] min, @JsonProperty("opt") long[] opt,
            @JsonProperty("max") long[] max) {
        this.min = Objects.requireNonNull(min, "min").clone();
        this.opt = Objects.requireNonNull(opt, "opt").clone();
        this.max = Objects.requireNonNull(max, "max").clone();
        if (min.length != opt.length || opt.length != max.length) {
            throw new IllegalArgumentException("min " + Arrays.toString(min) + ", opt " + Arrays.toString(opt)
                    + " and max " + Arrays.toString(max) + " have different ranks");
        }
        for (int i = 0; i < opt.length; i++) {
            if (min[i] < 0 || min[i] > opt[i] || opt[i] > max[i]) {
                throw new IllegalArgumentException("dimension " + i + " needs 0 <= min <= opt <= max, got min "
                        + Arrays.toString(min) + ", opt " + Arrays.toString(opt) + ", max " + Arrays.toString(max));
            }
        }
    }

    /** A range that allows exactly one shape. */
    public static ShapeRange fixed(long[] shape) {
        return new ShapeRange(shape, shape, shape);
    }

    /** The smallest shape, a copy. */
    @Override
    public long[] min() {
        return min.clone();
    }

    /** The shape TensorRT tunes for, a copy. */
    @Override
    public long[] opt() {
        return opt.clone();
    }

    /** The largest shape, a copy. */
    @Override
    public long[] max() {
        return max.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return opt.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShapeRange r && Arrays.equals(min, r.min) && Arrays.equals(opt, r.opt)
                && Arrays.equals(max, r.max);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(min), Arrays.hashCode(opt), Arrays.hashCode(max));
    }

    @Override
    public String toString() {
        return "min " + ShapeSpecParser.format(min) + ", opt " + ShapeSpecParser.format(opt) + ", max "
                + ShapeSpecParser.format(max);
    }
}
