package dev.trt4j.runtime;

/**
 * Reads what a caller needs from the outputs of one run while they are valid, e.g. the arg-max of a
 * classifier's scores, so nothing is copied.
 *
 * @param <T> what is read
 */
@FunctionalInterface
public interface OutputReader<T> {
    /** Reads from {@code outputs}, which must not be kept past this call ({@link Outputs#copy} what must). */
    T read(Outputs outputs);
}
