/**
 * ONNX Runtime on the CPU: {@link dev.trt4j.ort.OrtModelRunner} runs a model on {@link dev.trt4j.tensor.HostTensor}
 * batches, and {@link dev.trt4j.ort.OrtRuntime} owns the process-wide environment.
 *
 * <p>Native library: before ONNX Runtime is first used, {@link dev.trt4j.ort.OrtRuntime} extracts its native
 * libraries once into {@code <cache>/onnxruntime-<version>/<platform>/} and sets ONNX Runtime's
 * {@code onnxruntime.native.path} system property to that folder, so no {@code /tmp/onnxruntime-java*} folder is
 * made per start. {@code <cache>} is the {@code trt4j.cache.dir} system property, else
 * {@code $XDG_CACHE_HOME/trt4j}, else {@code ~/.cache/trt4j}. A user-set {@code onnxruntime.native.path} wins.
 *
 * <p>ONNX Runtime types ({@code OrtException}, {@code OnnxTensor}) do not leave this package's public API: errors
 * become {@link dev.trt4j.Trt4jException}s. The one exception is {@link dev.trt4j.ort.OrtSpecs}, which reads ONNX
 * Runtime's tensor descriptions for every package that drives ONNX Runtime itself.
 */
package dev.trt4j.ort;
