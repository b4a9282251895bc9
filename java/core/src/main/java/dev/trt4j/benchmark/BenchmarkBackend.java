package dev.trt4j.benchmark;

import dev.trt4j.engine.Availability;
import dev.trt4j.timing.LayerProfile;

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

    /** Whether {@link #profileLayers} times each layer on this backend. */
    default boolean profilesLayers() {
        return false;
    }

    /**
     * Times each layer in a run of its own, as trtexec's {@code --separateProfileRun} does, so that the profiler's
     * cost stays out of {@link #run}'s figures: the request's minimum warm-up queries (at least one), then its
     * minimum iterations, profiled.
     *
     * @throws UnsupportedOperationException where {@link #profilesLayers()} is false
     * @throws dev.trt4j.Trt4jException      as {@link #run} does
     */
    default LayerProfile profileLayers(BenchmarkRequest request) {
        throw new UnsupportedOperationException("the " + name() + " backend gives no per-layer profile");
    }
}
