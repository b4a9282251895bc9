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
    /**
     * @param name tensor name (used in error messages)
     * @param histogram magnitude histogram, or {@code null} if every collected value was skipped (e.g. all zeros
     *        with skip-zeros)
     * @param absMax maximum |x| over every collected value (0 if none)
     * @param count number of values collected
     * @throws IllegalArgumentException if {@code absMax} is not a valid amax ({@link Amax#isValid}: negative, -0.0,
     *                                  NaN or infinite), or {@code count} negative
     */
    public TensorStatistics {
        Objects.requireNonNull(name, "name");
        if (!Amax.isValid(absMax)) {
            throw new IllegalArgumentException("tensor '" + name + "': max |x| must be finite and >= 0, got " + absMax);
        }
        if (count < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative count " + count);
        }
    }

    /**
     * The histogram, for the histogram-based methods.
     *
     * @param method the method that needs it, named in the error
     * @throws CalibrationException if no value reached the histogram
     */
    public Histogram requireHistogram(String method) {
        if (histogram == null) {
            String why = count == 0 ? "no values were collected; check that the calibration data reaches it"
                    : "all " + count + " collected values were zeros left out by skip-zeros; collect without"
                    + " skip-zeros or use the max method";
            throw new CalibrationException("tensor '" + name + "': the " + method + " method needs a histogram but "
                    + why);
        }
        if (histogram.total() == 0) {
            // A histogram with no counts (all-zero counts read from a file, or a range started but never fed) has
            // no distribution to choose from; entropy and MSE would still pick an edge, percentile could not.
            throw new CalibrationException("tensor '" + name + "': the " + method + " method needs values in the "
                    + "histogram, but every bin count is 0");
        }
        return histogram;
    }
}
