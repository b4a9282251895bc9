package dev.trt4j.calibrators;

import java.util.Arrays;
import java.util.Objects;

/**
 * Running per-channel max |x| along one axis, as NVIDIA's {@code MaxCalibrator} with an axis: for every index
 * of {@code axis}, the largest magnitude over all other dimensions and all batches. Used for per-channel weight
 * scales (axis 0 for most weights, 1 for transposed convolutions).
 *
 * <p>Not thread-safe.
 */
public final class PerChannelMaxCollector {
    private final String name;
    private final int axis;
    private long[] amaxShape;
    private float[] amax;

    /**
     * @param name tensor name for error messages
     * @param axis channel axis; negative counts from the end ({@code −4} on a 4-D tensor is 0)
     */
    public PerChannelMaxCollector(String name, int axis) {
        this.name = Objects.requireNonNull(name, "name");
        this.axis = axis;
    }

    /**
     * Folds in a row-major tensor of the given shape.
     *
     * @throws CalibrationException if the shape does not fit the data or the axis, a value is NaN or infinite, or
     *                              the per-channel shape differs from earlier batches ("amax shape changed")
     */
    public void collect(float[] data, long[] shape) {
        int rank = shape.length;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new CalibrationException("tensor '" + name + "': axis " + axis + " is out of range for shape "
                    + Arrays.toString(shape));
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new CalibrationException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (elements != data.length) {
            throw new CalibrationException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + elements + " values but " + data.length + " were given");
        }
        long[] reduced = new long[rank];
        Arrays.fill(reduced, 1);
        reduced[a] = shape[a];
        if (amaxShape != null && !Arrays.equals(amaxShape, reduced)) {
            throw new CalibrationException("tensor '" + name + "': amax shape changed from "
                    + Arrays.toString(amaxShape) + " to " + Arrays.toString(reduced) + " (input shape "
                    + Arrays.toString(shape) + ", axis " + axis + ")");
        }
        int channels = (int) shape[a];
        long inner = 1;
        for (int d = a + 1; d < rank; d++) {
            inner *= shape[d];
        }
        float[] local = new float[channels];
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!Float.isFinite(v)) {
                throw new CalibrationException("tensor '" + name + "': value " + v + " at index " + i
                        + " is not finite; calibration needs finite values");
            }
            int c = (int) ((i / inner) % channels);
            local[c] = Math.max(local[c], Math.abs(v));
        }
        if (amax != null) {
            for (int c = 0; c < channels; c++) {
                local[c] = Math.max(local[c], amax[c]);
            }
        }
        amax = local;
        amaxShape = reduced;
    }

    /** Per-channel max |x| (one value per index of the axis), or {@code null} if nothing was collected. */
    public float[] amax() {
        return amax == null ? null : amax.clone();
    }

    /** Forgets everything collected. */
    public void reset() {
        amax = null;
        amaxShape = null;
    }

    /** The tensor this collector gathers. */
    public String name() {
        return name;
    }
}
