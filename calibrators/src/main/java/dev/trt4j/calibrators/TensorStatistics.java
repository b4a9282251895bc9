package dev.trt4j.calibrators;

import java.util.Objects;

/**
 * Everything the calibration methods need about one tensor, gathered in a single pass over the data: the
 * magnitude histogram (NVIDIA semantics) and the running maximum of |x|. Any method can be applied to it
 * later without running the model again.
 *
 * @param name      tensor name (used in error messages)
 * @param histogram magnitude histogram, or {@code null} if every collected value was skipped (e.g. all zeros
 *                  with skip-zeros) or the histogram was dropped
 * @param absMax    maximum |x| over every collected value (0 if none)
 * @param count     number of values collected
 * @param droppedBecause why the histogram was dropped though values reached it
 *                  ({@link HistogramCollector#dropOnOverflow()}), or {@code null}
 */
public record TensorStatistics(String name, Histogram histogram, float absMax, long count, String droppedBecause) {
    /**
     * @param name tensor name (used in error messages)
     * @param histogram magnitude histogram, or {@code null} if every collected value was skipped (e.g. all zeros
     *        with skip-zeros) or the histogram was dropped
     * @param absMax maximum |x| over every collected value (0 if none)
     * @param count number of values collected
     * @param droppedBecause why the histogram was dropped, or {@code null}
     * @throws IllegalArgumentException if {@code absMax} is not a valid amax ({@link Amax#isValid}: negative, -0.0,
     *                                  NaN or infinite), {@code count} negative, or a reason given with a histogram
     */
    public TensorStatistics {
        Objects.requireNonNull(name, "name");
        if (!Amax.isValid(absMax)) {
            throw new IllegalArgumentException("tensor '" + name + "': max |x| must be finite and >= 0, got " + absMax);
        }
        if (count < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative count " + count);
        }
        if (droppedBecause != null && histogram != null) {
            throw new IllegalArgumentException("tensor '" + name + "': a histogram cannot be both kept and dropped");
        }
    }

    /** Statistics whose histogram, if null, is so because no value reached it (none collected, or skip-zeros). */
    public TensorStatistics(String name, Histogram histogram, float absMax, long count) {
        this(name, histogram, absMax, count, null);
    }

    /**
     * Whether every value collected was a zero that skip-zeros left out: the tensor is 0 on all the data, so its
     * range is 0 whatever the method, as it is without skip-zeros (where the zeros fill the histogram's first bin).
     */
    public boolean onlySkippedZeros() {
        return histogram == null && droppedBecause == null && count > 0 && absMax == 0f;
    }

    /**
     * The histogram, for the histogram-based methods.
     *
     * @param method the method that needs it, named in the error
     * @throws CalibrationException if no value reached the histogram
     */
    public Histogram requireHistogram(String method) {
        if (histogram == null) {
            String why = droppedBecause != null ? "it was dropped during collection, where only max |x| was needed: "
                    + droppedBecause + "; collect again for this method, with a first pass over the data's range "
                    + "(trt4j calibrate --range-pass)"
                    : count == 0 ? "no values were collected; check that the calibration data reaches it"
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
