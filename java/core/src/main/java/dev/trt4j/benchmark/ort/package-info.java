/**
 * The {@code onnxruntime} {@link dev.trt4j.benchmark.BenchmarkBackend}: ONNX models on the CPU, timed with the wall
 * clock around synchronous runs on pre-made input tensors and pinned outputs.
 */
package dev.trt4j.benchmark.ort;
