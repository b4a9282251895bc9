package dev.trt4j.calibrators;

import java.util.Set;

/**
 * A calibration method: picks the clipping magnitude {@code amax} of a tensor from its statistics.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.trt4j.calibrators.Calibrator} and it can be used by {@link #name()} everywhere
 * trt4j takes a method, without changing trt4j. Implementations must be stateless and thread-safe.
 */
public interface Calibrator {
    /**
     * The options beyond the grid ({@code numBits}, {@code unsigned}) a method may read, by the names a table's
     * provenance gives them.
     */
    Set<String> OPTION_NAMES = Set.of("startBin", "stride", "percentile", "trtEntropyThreshold");

    /**
     * The name users select the method by, e.g. {@code "entropy"}: lower-case letters, digits, {@code '.'},
     * {@code '_'} and {@code '-'}, starting with a letter or digit ({@code [a-z0-9][a-z0-9._-]*}), since it becomes
     * part of file names. {@link Calibrators} leaves out an implementation whose name breaks this, and says why.
     */
    String name();

    /**
     * The amax this method picks.
     *
     * @throws CalibrationException if the statistics cannot give an answer (e.g. fewer bins than the start bin),
     *                              with a message naming the tensor
     */
    float computeAmax(TensorStatistics statistics, CalibrationOptions options);

    /**
     * Which of {@link #OPTION_NAMES} this method reads; its tables' provenance names those (and the grid) only. By
     * default all of them, since trt4j cannot tell which options a plug-in reads: one that says gets tables naming
     * no setting it never used.
     */
    default Set<String> optionsRead() {
        return OPTION_NAMES;
    }

    /**
     * Whether this method reads the histograms, not only max |x|. Its tables then also record how the histograms
     * were collected ({@code numBins}, {@code skipZeros}, {@code rangePass}), and a run of such methods only keeps
     * them exact; a run of methods that all answer {@code false} may drop a histogram that cannot grow further. By
     * default {@code true}.
     */
    default boolean readsHistograms() {
        return true;
    }

    /** One line describing the method, for {@code --help} and reports. */
    default String description() {
        return name();
    }
}
