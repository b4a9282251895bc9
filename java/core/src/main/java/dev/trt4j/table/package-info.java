/**
 * Calibration results as files: the TensorRT-agnostic {@link dev.trt4j.table.CalibrationTable} (tensor → amax
 * with {@link dev.trt4j.table.Provenance}, stored as JSON) and the TensorRT calibration cache
 * ({@link dev.trt4j.table.TensorRtCalibrationCache}), with exact float32 text conversions
 * ({@link dev.trt4j.table.ShortestDecimal}, {@link dev.trt4j.table.FloatBits}) and strict JSON reading
 * ({@link dev.trt4j.table.JsonDocument}).
 *
 * <p>Depends on {@code dev.trt4j} (errors, version), {@code dev.trt4j.io} (atomic writes), the calibrators
 * module and Jackson; nothing here touches ONNX Runtime or native code. Every file is written atomically.
 */
package dev.trt4j.table;
