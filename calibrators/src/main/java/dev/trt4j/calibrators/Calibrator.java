package dev.trt4j.calibrators;

/**
 * A calibration method: picks the clipping magnitude {@code amax} of a tensor from its statistics.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.trt4j.calibrators.Calibrator} and it can be used by {@link #name()} everywhere
 * trt4j takes a method, without changing trt4j. Implementations must be stateless and thread-safe.
 */
public interface Calibrator {
    /** The name users select the method by, e.g. {@code "entropy"}. Lower case, no spaces. */
    String name();

    /**
     * The amax this method picks.
     *
     * @throws CalibrationException if the statistics cannot give an answer (e.g. fewer bins than the start bin),
     *                              with a message naming the tensor
     */
    float computeAmax(TensorStatistics statistics, CalibrationOptions options);

    /** One line describing the method, for {@code --help} and reports. */
    default String description() {
        return name();
    }
}
