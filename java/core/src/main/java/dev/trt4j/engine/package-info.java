/**
 * Building and running TensorRT engines, as seen from Java without native libraries.
 *
 * <p>Everything here is plain Java: requests and their validation ({@link dev.trt4j.engine.EngineBuildRequest},
 * {@link dev.trt4j.engine.EngineBuildPlanner}), trtexec-style shape parsing
 * ({@link dev.trt4j.engine.ShapeSpecParser}, {@link dev.trt4j.engine.OptimizationProfiles}), staging of sample
 * batches into host buffers ({@link dev.trt4j.engine.BatchStager}), the hand-off of trt4j's ranges (a
 * {@link dev.trt4j.table.CalibrationTable} from a file, or computed from the samples on the CPU during the build)
 * or of a calibration cache to TensorRT ({@link dev.trt4j.engine.CalibrationCacheHandoff}), the engine's JSON
 * sidecar and the compatibility check ({@link dev.trt4j.engine.EngineSidecar},
 * {@link dev.trt4j.engine.EngineCompatibility}) and the doctor report ({@link dev.trt4j.engine.DoctorReport}).
 *
 * <p>The code that needs a GPU sits behind three service interfaces found with {@link java.util.ServiceLoader}:
 * {@link dev.trt4j.engine.EngineBuilder}, {@link dev.trt4j.engine.EngineRuntime} and
 * {@link dev.trt4j.engine.GpuEnvironmentProbe}. The {@code trt4j-native} module implements them with JavaCPP;
 * without it, {@link dev.trt4j.engine.EngineServices} reports that it is missing and how to get it.
 */
package dev.trt4j.engine;
