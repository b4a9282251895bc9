/**
 * ONNX models as trt4j sees them: {@link dev.trt4j.onnx.OnnxModel} loads a model (external data inlined) and
 * answers what the other steps ask — inputs, outputs, opset, operators, weights (initializers and
 * {@code Constant} nodes), and which activation tensors to calibrate, as decided by
 * {@link dev.trt4j.onnx.QuantizableOperators}. {@link dev.trt4j.onnx.ModelSummary} is what {@code trt4j inspect}
 * prints.
 *
 * <p>Uses the ONNX protobuf classes of {@code tribuo-util-onnx} ({@code ai.onnx.proto.OnnxMl}); ONNX Runtime only to
 * type tensors the standard operator rules cannot (through {@link dev.trt4j.ort.OrtRuntime}). Everything here is
 * immutable and thread-safe.
 */
package dev.trt4j.onnx;
