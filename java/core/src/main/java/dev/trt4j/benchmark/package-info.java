/**
 * {@code trt4j bench} as a library: a {@link dev.trt4j.benchmark.BenchmarkRequest} names a model or engine, the
 * batch, shapes and inputs ({@link dev.trt4j.benchmark.BenchInputs}) and the timing settings; a
 * {@link dev.trt4j.benchmark.BenchmarkBackend} found with {@link java.util.ServiceLoader} runs it and returns a
 * {@link dev.trt4j.benchmark.BenchmarkResult} with trtexec's statistics. {@code onnxruntime}
 * ({@link dev.trt4j.benchmark.ort}) is here; {@code tensorrt} is in trt4j-native.
 */
package dev.trt4j.benchmark;
