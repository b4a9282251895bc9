package dev.trt4j.benchmark;

import dev.trt4j.engine.Availability;

/**
 * Times a model or engine, found with {@link java.util.ServiceLoader}: {@code onnxruntime} (CPU, wall clock, in
 * trt4j-core) and {@code tensorrt} (CUDA events, in trt4j-native). Implementations supply
 * {@link dev.trt4j.timing.InferenceTrace}s; the statistics are always {@link dev.trt4j.timing.PerformanceReport}'s.
 */
public interface BenchmarkBackend {
    /** The name {@code trt4j bench --backend} selects, e.g. {@code onnxruntime}. */
    String name();

    /** Whether this backend can run here, and if not, why. Never throws. */
    Availability availability();

    /**
     * Loads the file, makes the inputs once, warms up and times queries until the request's stop rule is met.
     *
     * @throws dev.trt4j.Trt4jException for a missing or incompatible file, shapes or a batch the model cannot take,
     *                                  or a failure while running
     */
    BenchmarkResult run(BenchmarkRequest request);
}
