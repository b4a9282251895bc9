/**
 * Activation statistics for calibration: {@link dev.trt4j.stats.ActivationStatisticsCollector} runs the FP32
 * model with ONNX Runtime over a {@link dev.trt4j.data.CalibrationDataSource} once and returns
 * {@link dev.trt4j.stats.ActivationStatistics}, from which every calibration method in {@code dev.trt4j.calibrators}
 * computes its ranges.
 */
package dev.trt4j.stats;
