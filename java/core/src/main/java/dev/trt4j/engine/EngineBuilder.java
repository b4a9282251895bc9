package dev.trt4j.engine;

import dev.trt4j.data.CalibrationDataSource;

import java.util.Optional;

/**
 * Builds serialized TensorRT engines. Found with {@link java.util.ServiceLoader} (see
 * {@link EngineServices#engineBuilder()}); {@code trt4j-native} provides the JavaCPP implementation.
 *
 * <p>Implementations must not load native libraries when instantiated, only in {@link #availability()} and
 * {@link #build}, so that a missing library is a {@link dev.trt4j.Trt4jException} and never a JVM crash.
 */
public interface EngineBuilder {
    /** A short name, e.g. {@code tensorrt-javacpp}. */
    String name();

    /** Whether builds can run on this machine; probes libraries on first call. Never throws. */
    Availability availability();

    /**
     * The TensorRT version builds will use.
     *
     * @throws dev.trt4j.Trt4jException when the libraries are not available
     */
    TensorRtVersion tensorRtVersion();

    /**
     * Builds an engine as {@code plan} says. Writes no file: the caller saves the result.
     *
     * @param data sample batches, needed when {@link CalibrationPlan#needsBatches()}; not closed here
     * @return the built engine; the caller closes it
     * @throws dev.trt4j.Trt4jException on any failure, with one line naming the cause (parser node, rejected
     *         cache, missing library, TensorRT's last error)
     */
    BuiltEngine build(EngineBuildPlan plan, Optional<CalibrationDataSource> data);
}
