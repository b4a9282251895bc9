/**
 * Choosing a calibration: {@link dev.trt4j.compare.CalibratorComparison} quantizes a model with every method and
 * judges each INT8 model against FP32 on held-out samples, and {@link dev.trt4j.compare.SensitivityAnalysis} ranks
 * layers by what quantizing each alone costs and keeps the worst in FP32. Both save their reports as JSON.
 */
package dev.trt4j.compare;
