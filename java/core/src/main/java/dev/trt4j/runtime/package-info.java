/**
 * Running models from services: {@link dev.trt4j.runtime.InferenceSession} loads a model or engine once and shares
 * a pool of {@link dev.trt4j.runtime.ExecutionContext}s among request threads, with synchronous and
 * {@link java.util.concurrent.CompletableFuture} runs. Outputs are read in place through an
 * {@link dev.trt4j.runtime.OutputReader} or copied to the heap.
 *
 * <p>Backends plug in through {@link dev.trt4j.runtime.InferenceBackend} ({@link java.util.ServiceLoader}):
 * {@code onnxruntime} ({@link dev.trt4j.runtime.ort}) for ONNX models on the CPU, and {@code tensorrt}
 * ({@link dev.trt4j.runtime.EngineRuntimeBackend}) for engines, over trt4j-native's
 * {@link dev.trt4j.engine.EngineRuntime}.
 */
package dev.trt4j.runtime;
