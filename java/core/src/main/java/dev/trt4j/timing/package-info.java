/**
 * Timing inference as trtexec does, in plain Java: per-query {@link dev.trt4j.timing.InferenceTrace}s, the
 * warm-up and stop rule ({@link dev.trt4j.timing.IterationSchedule}), the enqueue-one-ahead loop
 * ({@link dev.trt4j.timing.PipelinedTimingLoop} over a backend's {@link dev.trt4j.timing.TimedInference}), the
 * report math of {@code sampleReporting.cpp} ({@link dev.trt4j.timing.MetricStatistics},
 * {@link dev.trt4j.timing.PerformanceReport}, {@link dev.trt4j.timing.TimingWarning}), the
 * {@code --exportTimes} JSON layout ({@link dev.trt4j.timing.TimesJson}) and the precision speedup table
 * ({@link dev.trt4j.timing.SpeedupTable}).
 *
 * <p>All times are milliseconds. Nothing here touches a device or a native library, so every rule is tested with
 * synthetic timings; backends (ONNX Runtime on the CPU, TensorRT in {@code trt4j-native}) only supply traces.
 */
package dev.trt4j.timing;
