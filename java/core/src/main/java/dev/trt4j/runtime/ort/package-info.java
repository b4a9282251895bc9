/**
 * The {@code onnxruntime} {@link dev.trt4j.runtime.InferenceBackend}: one ONNX Runtime session per loaded model,
 * shared by execution contexts that each own direct input and output buffers (pinned outputs), so repeated runs at
 * one shape allocate no tensors. ONNX Runtime types do not leave this package.
 */
package dev.trt4j.runtime.ort;
