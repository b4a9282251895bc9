package dev.trt4j.data;

import java.util.Optional;

/**
 * A stream of sample batches for calibration, evaluation or benchmarking. Implementations read image
 * folders, {@code .npy}/{@code .npz} files, raw float32 files, text through a tokenizer, or make seeded
 * synthetic data. Only one batch is held at a time, so memory stays bounded whatever the data set size.
 *
 * <p>Not thread-safe: one consumer reads a source.
 */
public interface CalibrationDataSource extends AutoCloseable {
    /**
     * The next batch, or empty when the data (or the requested sample count) is exhausted.
     *
     * @throws dev.trt4j.Trt4jException on unreadable or ill-fitting data, naming the file and the problem
     */
    Optional<Batch> next();

    /** Total number of samples this source will deliver, if known in advance (for progress bars). */
    default Optional<Long> sampleCount() {
        return Optional.empty();
    }

    /** A short description for logs and provenance, e.g. {@code "images:/data/lines (256 files)"}. */
    String describe();

    @Override
    default void close() {
    }
}
