/**
 * Accuracy of a transformed model (INT8 Q/DQ, FP16) against its reference on CPU with ONNX Runtime: per-output
 * closeness ({@link dev.trt4j.evaluate.OutputComparison}) and task metrics ({@link dev.trt4j.evaluate.TaskMetric}:
 * embedding cosine, CTC text recognition, classification accuracy), through {@link dev.trt4j.evaluate.Evaluator}.
 */
package dev.trt4j.evaluate;
