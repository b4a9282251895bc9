package dev.trt4j.calibrators;

import java.util.Objects;

/**
 * Everything the calibration methods need about one tensor, gathered in a single pass over the data: the
 * magnitude histogram (NVIDIA semantics) and the running maximum of |x|. Any method can be applied to it
 * later without running the model again.
 *
 * @param name      tensor name (used in error messages)
 * @param histogram magnitude histogram, or {@code null} if every collected value was skipped (e.g. all zeros
 *                  with skip-zeros)
 * @param absMax    maximum |x| over every collected value (0 if none)
 * @param count     number of values collected
 */
public record TensorStatistics(String name, Histogram histogram, float absMax, long count) {
    public TensorStatistics {
        Objects.requireNonNull(name, "name");
        if (!(absMax >= 0) || Float.isInfinite(absMax)) {
            throw new IllegalArgumentException("tensor '" + name + "': max |x| must be finite and >= 0, got " + absMax);
        }
        if (count < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative count " + count);
        }
    }
}
