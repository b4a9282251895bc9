package dev.trt4j.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A freshly built engine held in native memory until {@link #close()}: the serialized plan and what the build
 * produced besides it.
 */
public interface BuiltEngine extends AutoCloseable {
    /** Size of the serialized engine in bytes. */
    long engineSize();

    /**
     * Streams the serialized engine to {@code out}, which stays open.
     *
     * @throws IOException if writing to {@code out} fails
     */
    void writeEngine(OutputStream out) throws IOException;

    /** The TensorRT version that built it. */
    TensorRtVersion tensorRtVersion();

    /** The GPU it was built for. */
    GpuDevice gpu();

    /** The calibration cache TensorRT wrote through {@code writeCalibrationCache}, if it wrote one. */
    Optional<byte[]> writtenCalibrationCache();

    /** The serialized timing cache (loaded entries merged with this build's), when a timing cache was asked for. */
    Optional<byte[]> timingCache();

    /** Frees the native memory; idempotent. */
    @Override
    void close();
}
